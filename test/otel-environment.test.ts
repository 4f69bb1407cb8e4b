import { expect, test } from "bun:test";
import type { Config } from "../src/config/config.ts";
import { applyOtelEnvironment } from "../src/config/otel-environment.ts";
import { DreamweaverError } from "../src/plugin-host/errors.ts";

type Output = Config["output"];

const config: Output = {
  endpoint: { url: "http://collector:4317", tls: false },
  batchSize: 100,
  temporality: "cumulative",
  maxMessageBytes: 4 * 1024 * 1024,
  concurrency: 4,
  protocol: "grpc",
  compression: "none",
  headers: { "x-tenant": "from-config" },
  timeoutMs: 10_000,
};

const apply = (env: Record<string, string>, output: Output = config) => applyOtelEnvironment(env, output);

/** The USAGE error a bad environment gives, checked to be one line. */
function failure(env: Record<string, string>, output: Output = config): string {
  try {
    apply(env, output);
  } catch (error) {
    expect(error).toBeInstanceOf(DreamweaverError);
    expect((error as DreamweaverError).code).toBe("USAGE");
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a usage error");
}

test("no variables: the config is unchanged", () => {
  expect(apply({})).toEqual(config);
});

test("empty variables count as unset, as in the SDKs", () => {
  expect(apply({ OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_TIMEOUT: " " })).toEqual(config);
});

test("OTEL_EXPORTER_OTLP_ENDPOINT replaces the endpoint, with the protocol's default port", () => {
  expect(apply({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example.com" }).endpoint).toEqual({
    url: "https://otlp.example.com",
    tls: true,
  });
  expect(apply({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost" }).endpoint.url).toBe("http://localhost:4317");
  const http = apply({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
  expect(http.endpoint.url).toBe("http://localhost:4318");
  expect(http.protocol).toBe("http/json");
});

test("OTEL_EXPORTER_OTLP_PROTOCOL, COMPRESSION, TIMEOUT", () => {
  const output = apply({
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
    OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
  });
  expect(output.protocol).toBe("http/protobuf");
  expect(output.compression).toBe("gzip");
  expect(output.timeoutMs).toBe(2500);
  expect(apply({ OTEL_EXPORTER_OTLP_COMPRESSION: "none" }, { ...config, compression: "gzip" }).compression).toBe(
    "none",
  );
});

test("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: lowmemory means delta", () => {
  const name = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
  expect(apply({ [name]: "delta" }).temporality).toBe("delta");
  expect(apply({ [name]: "LowMemory" }).temporality).toBe("delta");
  expect(apply({ [name]: "cumulative" }, { ...config, temporality: "delta" }).temporality).toBe("cumulative");
  expect(failure({ [name]: "sometimes" })).toStartWith(`${name}: `);
});

test("headers: k=v pairs, trimmed, URL-decoded, names lowercased, added to the config's", () => {
  const output = apply({
    OTEL_EXPORTER_OTLP_HEADERS: " Authorization = Bearer%20abc%3D%3D , x-tenant=env,api-key=a=b,",
  });
  expect(output.headers).toEqual({ authorization: "Bearer abc==", "x-tenant": "env", "api-key": "a=b" });
});

test("signal-specific variables win over generic ones, which win over the config", () => {
  const signals = ["TRACES", "METRICS", "LOGS"];
  const all = (key: string, value: string) =>
    Object.fromEntries(signals.map((signal) => [`OTEL_EXPORTER_OTLP_${signal}_${key}`, value]));
  const output = apply({
    OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
    ...all("TIMEOUT", "3000"),
    OTEL_EXPORTER_OTLP_COMPRESSION: "none",
    ...all("COMPRESSION", "gzip"),
    OTEL_EXPORTER_OTLP_HEADERS: "a=generic",
    ...all("HEADERS", "b=specific"),
    OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    ...all("PROTOCOL", "http/json"),
  });
  expect(output.timeoutMs).toBe(3000);
  expect(output.compression).toBe("gzip");
  // The signal-specific headers replace the generic ones, as in the SDKs; the config's stay.
  expect(output.headers).toEqual({ "x-tenant": "from-config", b: "specific" });
  expect(output.protocol).toBe("http/json");
});

test("a signal-specific value that agrees with the generic one is accepted", () => {
  expect(apply({ OTEL_EXPORTER_OTLP_TIMEOUT: "500", OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: "500" }).timeoutMs).toBe(500);
});

test("signal-specific values that differ between signals are a usage error naming the variable", () => {
  expect(failure({ OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: "500" })).toStartWith("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: ");
  expect(failure({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" })).toStartWith(
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: ",
  );
  const message = failure({ OTEL_EXPORTER_OTLP_LOGS_HEADERS: "authorization=secret-token" });
  expect(message).toStartWith("OTEL_EXPORTER_OTLP_LOGS_HEADERS: ");
  expect(message).not.toContain("secret-token");
});

test("gRPC signal-specific endpoints are the endpoint when they agree", () => {
  const env = {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4317",
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://a:4317",
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://a:4317",
  };
  expect(apply(env).endpoint.url).toBe("http://a:4317");
  expect(failure({ ...env, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:4317" })).toStartWith(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ",
  );
});

test("OTLP/HTTP signal-specific endpoints are full URLs: accepted when they share the base of /v1/<signal>", () => {
  const http: Output = { ...config, protocol: "http/protobuf", endpoint: { url: "http://base:4318", tls: false } };
  expect(apply({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://base:4318/v1/traces" }, http).endpoint.url).toBe(
    "http://base:4318",
  );
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://otlp.example.com/otlp/v1/traces",
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "https://otlp.example.com/otlp/v1/metrics",
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "https://otlp.example.com/otlp/v1/logs",
  };
  expect(apply(env, http).endpoint).toEqual({ url: "https://otlp.example.com/otlp", tls: true });
  expect(failure({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://base:4318/traces" }, http)).toStartWith(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must end in /v1/traces",
  );
  expect(failure({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://other:4318/v1/logs" }, http)).toStartWith(
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: ",
  );
});

test("bad values are one-line usage errors naming the variable", () => {
  expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://x" })).toStartWith("OTEL_EXPORTER_OTLP_ENDPOINT: ");
  expect(failure({ OTEL_EXPORTER_OTLP_PROTOCOL: "http" })).toStartWith("OTEL_EXPORTER_OTLP_PROTOCOL: ");
  expect(failure({ OTEL_EXPORTER_OTLP_COMPRESSION: "br" })).toStartWith("OTEL_EXPORTER_OTLP_COMPRESSION: ");
  for (const timeout of ["0", "-5", "1.5", "10s"]) {
    expect(failure({ OTEL_EXPORTER_OTLP_TIMEOUT: timeout })).toStartWith("OTEL_EXPORTER_OTLP_TIMEOUT: ");
  }
  expect(failure({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc\nx" })).toStartWith("OTEL_EXPORTER_OTLP_PROTOCOL: ");
});

test("bad headers name the variable and never the values", () => {
  const cases = [
    "authorization",
    "authorization=Bearer%ZZsecret",
    "bad name=secret",
    "authorization=line%0Abreak-secret",
    "=secret",
  ];
  for (const headers of cases) {
    const message = failure({ OTEL_EXPORTER_OTLP_HEADERS: headers });
    expect(message).toStartWith("OTEL_EXPORTER_OTLP_HEADERS: ");
    expect(message).not.toContain("secret");
    expect(message).not.toContain("Bearer");
  }
});
