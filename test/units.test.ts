import { expect, test } from "bun:test";
import { parseDuration, parseEndpoint, parseRate } from "../src/config/units.ts";

const value = <T>(
  parsed: { ok: true; value: T } | { ok: false; message: string },
) => (parsed.ok ? parsed.value : parsed.message);

test("rates: count per second, minute or hour", () => {
  expect(value(parseRate("100/s"))).toBe(100);
  expect(value(parseRate("6000/m"))).toBe(100);
  expect(value(parseRate("360000/h"))).toBe(100);
  expect(value(parseRate("0.5/s"))).toBe(0.5);
  expect(parseRate("100").ok).toBe(false);
  expect(parseRate("100/d").ok).toBe(false);
  expect(parseRate("0/s").ok).toBe(false);
});

test("durations: every unit and alias of the seed", () => {
  const seconds = { s: 1, m: 60, h: 3600, d: 86400 };
  const aliases: Record<string, keyof typeof seconds> = {
    s: "s",
    sec: "s",
    secs: "s",
    m: "m",
    min: "m",
    mins: "m",
    h: "h",
    hr: "h",
    hrs: "h",
    hour: "h",
    hours: "h",
    d: "d",
    day: "d",
    days: "d",
  };
  for (const [alias, unit] of Object.entries(aliases)) {
    expect(value(parseDuration(`2${alias}`))).toBe(2 * seconds[unit]);
  }
  expect(value(parseDuration("30s"))).toBe(30);
  expect(value(parseDuration("1.5h"))).toBe(5400);
  expect(parseDuration("30").ok).toBe(false);
  expect(parseDuration("5w").ok).toBe(false);
  expect(parseDuration("0m").ok).toBe(false);
});

test("endpoints: the seed's four forms", () => {
  expect(value(parseEndpoint("grpc://localhost:4317"))).toEqual({ url: "http://localhost:4317", tls: false });
  expect(value(parseEndpoint("http://collector:4317"))).toEqual({ url: "http://collector:4317", tls: false });
  expect(value(parseEndpoint("https://otel.example.com:443"))).toEqual({ url: "https://otel.example.com", tls: true });
  expect(value(parseEndpoint("localhost:4317"))).toEqual({ url: "http://localhost:4317", tls: false });
  expect(value(parseEndpoint("[::1]:4317"))).toEqual({ url: "http://[::1]:4317", tls: false });
  expect(value(parseEndpoint("collector"))).toEqual({ url: "http://collector:4317", tls: false });
  expect(parseEndpoint("ftp://host:21").ok).toBe(false);
  expect(parseEndpoint("http://").ok).toBe(false);
  expect(parseEndpoint("http://host:99999").ok).toBe(false);
});
