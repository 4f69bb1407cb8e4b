import { describe, expect, test } from "bun:test";
import placeholders from "../plugins/placeholders/index.ts";
import { Registry } from "../src/plugin-host/registry.ts";
import { hashSeed, requestRandom } from "../src/engine/seed.ts";
import { compileText } from "../src/config/text-template.ts";
import { checkPlugin } from "../src/testing/index.ts";

const registry = new Registry([{ plugin: placeholders, builtin: true }]);

/** `n` renderings of `pattern`, each from its own request's randomness; fails on any config problem. */
function samples(pattern: string, n = 2000): string[] {
  const { render, problems } = compileText(pattern, registry.placeholders);
  expect(problems).toEqual([]);
  return Array.from({ length: n }, (_, i) => render(requestRandom(hashSeed("placeholders"), i)));
}

/** The one-line problems `pattern` is rejected with. */
const problemsOf = (pattern: string) => compileText(pattern, registry.placeholders).problems;

test("conformance", () => checkPlugin(placeholders));

test("every placeholder has a description", () => {
  for (const [name, { value }] of registry.placeholders) expect(value.description, name).not.toBe("");
});

test("the seed's five placeholders are still there", () => {
  expect([...registry.placeholders.keys()]).toEqual(
    expect.arrayContaining(["ip", "duration", "error", "user_id", "request_id"]),
  );
});

test("{uuid} is a version 4 UUID, different every time", () => {
  const ids = samples("{uuid}");
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(ids).size).toBe(ids.length);
});

describe("{hex:N}", () => {
  test("N hex digits, 16 without an argument", () => {
    for (const hex of samples("{hex:8}", 200)) expect(hex).toMatch(/^[0-9a-f]{8}$/);
    for (const hex of samples("{hex}", 200)) expect(hex).toMatch(/^[0-9a-f]{16}$/);
  });
  test("N must be a whole number from 1 to 4096", () => {
    for (const bad of ["{hex:0}", "{hex:x}", "{hex:1.5}", "{hex:5000}"]) {
      expect(problemsOf(bad)).toEqual([
        `placeholder "${bad}": the number of digits must be a whole number from 1 to 4096, e.g. {hex:8}`,
      ]);
    }
    expect(problemsOf("{hex:1:2}")).toEqual([
      'placeholder "{hex:1:2}": takes one argument, the number of digits, e.g. {hex:8}',
    ]);
  });
});

describe("{int:min:max}", () => {
  test("inclusive on both ends", () => {
    const values = samples("{int:5:9}", 2000).map(Number);
    expect(new Set(values)).toEqual(new Set([5, 6, 7, 8, 9]));
    expect(new Set(samples("{int:-3:-3}", 10))).toEqual(new Set(["-3"]));
  });
  test("1 to 100 without arguments", () => {
    const values = samples("{int}", 5000).map(Number);
    expect(Math.min(...values)).toBe(1);
    expect(Math.max(...values)).toBe(100);
  });
  test("arguments are checked with one-line messages", () => {
    expect(problemsOf("{int:5:1}")).toEqual(['placeholder "{int:5:1}": min must not exceed max']);
    expect(problemsOf("{int:a:1}")).toEqual(['placeholder "{int:a:1}": min must be a whole number']);
    expect(problemsOf("{int:1:2.5}")).toEqual(['placeholder "{int:1:2.5}": max must be a whole number']);
    expect(problemsOf("{int:1}")).toEqual(['placeholder "{int:1}": takes a minimum and a maximum, e.g. {int:1:100}']);
  });
});

describe("{choice:a|b|c}", () => {
  test("one of the options, each of them in time", () => {
    expect(new Set(samples("{choice:card|paypal|invoice}", 500))).toEqual(new Set(["card", "paypal", "invoice"]));
    expect(new Set(samples("{choice:http://a|http://b}", 200))).toEqual(new Set(["http://a", "http://b"]));
  });
  test("options are required and must not be empty", () => {
    const example = "e.g. {choice:card|paypal|invoice} or {choice:gold=1|silver=3}";
    expect(problemsOf("{choice}")).toEqual([
      `placeholder "{choice}": takes options separated by |, ${example}`,
    ]);
    expect(problemsOf("{choice:a||b}")).toEqual([
      `placeholder "{choice:a||b}": options must not be empty, ${example}`,
    ]);
  });
  test("weighted: each option as often as its weight says", () => {
    const picks = samples("{choice:gold=1|silver=3|bronze=0}", 4000);
    const share = (option: string) => picks.filter((pick) => pick === option).length / picks.length;
    expect(share("gold")).toBeCloseTo(0.25, 1);
    expect(share("silver")).toBeCloseTo(0.75, 1);
    expect(share("bronze")).toBe(0);
    expect(new Set(samples("{choice:a=b=2|c=1.5}", 200))).toEqual(new Set(["a=b", "c"]));
  });
  test("weights for every option or none, at least one above zero", () => {
    expect(problemsOf("{choice:gold=1|silver}")[0]).toContain("give every option a weight, or none");
    expect(problemsOf("{choice:=1|silver=2}")[0]).toContain('a weighted option needs a value before "="');
    expect(problemsOf("{choice:gold=0|silver=0}")[0]).toContain("at least one weight must be above 0");
  });
});

describe("other template languages' syntax", () => {
  test("Helm/Jinja double braces are an error naming the placeholder meant", () => {
    expect(problemsOf("user {{ user_id }} at {{request_id}}")).toEqual([
      '"{{ user_id }}" is Helm/Jinja syntax, which is not read here; write "{user_id}"',
      '"{{request_id}}" is Helm/Jinja syntax, which is not read here; write "{request_id}"',
    ]);
    expect(problemsOf("{{ .Values.region }}")).toEqual([
      '"{{ .Values.region }}" is Helm/Jinja syntax, which is not read here; placeholders are written "{name}", ' +
      'e.g. "{user_id}"',
    ]);
  });
  test("spaces inside a placeholder's braces are an error; braces around other text stay text", () => {
    expect(problemsOf("from { ip } and {int:1:5 }")).toEqual([
      '"{ ip }" has spaces inside its braces; write "{ip}"',
      '"{int:1:5 }" has spaces inside its braces; write "{int:1:5}"',
    ]);
    expect(samples('{ "ok": true } { not a placeholder } {"a":{"b":1}}', 1)).toEqual([
      '{ "ok": true } { not a placeholder } {"a":{"b":1}}',
    ]);
  });
  test("each mistake is reported once, however often it is repeated", () => {
    expect(problemsOf("{{ ip }} {{ ip }} {nosuch} {nosuch}")).toHaveLength(1);
    expect(problemsOf("{nosuch} {nosuch}")).toHaveLength(1);
  });
});

test("{http_method} is an HTTP method, mostly GET", () => {
  const methods = samples("{http_method}", 5000);
  for (const method of methods) expect(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]).toContain(method);
  expect(methods.filter((m) => m === "GET").length).toBeGreaterThan(methods.length / 2);
});

test("{url_path} is an absolute path with ids filled in", () => {
  const paths = samples("{url_path}");
  for (const path of paths) {
    expect(path).toMatch(/^\/[\w\-/.?=]*$/);
    expect(path).not.toContain("{");
  }
  expect(new Set(paths).size).toBeGreaterThan(100);
});

test("{status_code} is mostly 2xx, with some 3xx, 4xx and 5xx", () => {
  const codes = samples("{status_code}", 20_000).map(Number);
  const share = (low: number) => codes.filter((c) => c >= low && c < low + 100).length / codes.length;
  expect(share(200)).toBeGreaterThan(0.75);
  for (const low of [300, 400, 500]) {
    expect(share(low)).toBeGreaterThan(0.005);
    expect(share(low)).toBeLessThan(0.15);
  }
});

test("{user_agent} is a User-Agent header from a realistic mix", () => {
  const agents = samples("{user_agent}");
  expect(agents.filter((a) => a.startsWith("Mozilla/5.0")).length).toBeGreaterThan(agents.length / 2);
  expect(agents.some((a) => a.startsWith("curl/"))).toBe(true);
});

test("{hostname} is a valid host name", () => {
  for (const host of samples("{hostname}")) {
    expect(host).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/);
  }
});

test("{email} is an address at a reserved example domain", () => {
  for (const email of samples("{email}")) expect(email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.(com|org|net)$/);
});

test("{word} and {slug} are lowercase words", () => {
  for (const word of samples("{word}", 200)) expect(word).toMatch(/^[a-z]+$/);
  for (const slug of samples("{slug}", 200)) expect(slug).toMatch(/^[a-z]+-[a-z]+$/);
});

test("{amount} has two decimals, from 1.00 to 2000.00, mostly small", () => {
  const amounts = samples("{amount}", 5000);
  for (const amount of amounts) expect(amount).toMatch(/^\d+\.\d{2}$/);
  const values = amounts.map(Number);
  expect(Math.min(...values)).toBeGreaterThanOrEqual(1);
  expect(Math.max(...values)).toBeLessThanOrEqual(2000);
  expect(values.filter((v) => v < 100).length).toBeGreaterThan(values.length / 2);
});

test("placeholders without a check take no arguments", () => {
  expect(problemsOf("{uuid:4}")).toEqual(['placeholder "{uuid:4}": takes no arguments']);
});
