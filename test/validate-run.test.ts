// `validate` rejects everything `run` would reject before sending, each as one located line: header names
// and values a transport refuses, endpoints with no usable host or port (and passwords masked), span kinds
// whose operation() throws, exporters that cannot be created, plugins with a built-in's name.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHeaders } from "../src/config/otel-environment.ts";
import { runCli } from "./helpers/cli.ts";
import { problemsOf, VALID, writeConfig } from "./helpers/config.ts";

const withOutput = (extra: string) => VALID.replace("  endpoint: grpc://localhost:4317\n", extra);

test("header names and values a transport would refuse are located problems; values are never quoted", async () => {
  const headers = (entries: string) => withOutput(`  endpoint: grpc://localhost:4317\n  headers: { ${entries} }\n`);
  expect(await problemsOf(headers('x-api-key: "sécret日本"'))).toEqual([
    'output.headers.x-api-key (line 27:25): the value of header "x-api-key" must be printable ASCII (no line ' +
    "breaks, control or non-ASCII characters)",
  ]);
  expect(await problemsOf(headers('x-api-key: "a\\u0001b"'))).toHaveLength(1);
  expect(await problemsOf(headers('connection: "keep-alive"'))).toEqual([
    'output.headers.connection (line 27:14): "connection" is set by the transport, not by a config; leave it out',
  ]);
  expect(await problemsOf(headers('"bad name": "x"'))).toEqual([
    'output.headers["bad name"] (line 27:14): "bad name" is not a header name; use letters, digits and -',
  ]);
  const lines = (await problemsOf(headers('authorization: "Bearer s3cret\\u007f"'))).join("\n");
  expect(lines).not.toContain("s3cret");
});

test("OTEL_EXPORTER_OTLP_HEADERS is held to the same rules, without quoting a value", () => {
  const name = "OTEL_EXPORTER_OTLP_HEADERS";
  expect(() => parseHeaders(name, "x-api-key=s%C3%A9cret")).toThrow(
    'the value of header "x-api-key" must be printable ASCII',
  );
  expect(() => parseHeaders(name, "te=trailers")).toThrow('"te" is set by the transport');
  expect(parseHeaders(name, "x-api-key=abc%20def")).toEqual({ "x-api-key": "abc def" });
});

test("an endpoint with port 0 or out of range, or no valid host, is refused; a password is masked", async () => {
  const endpoint = (text: string) => problemsOf(withOutput(`  endpoint: "${text}"\n`));
  expect(await endpoint("grpc://localhost:0")).toEqual([
    'output.endpoint (line 26:13): port 0 of "grpc://localhost:0" is out of range; use 1 to 65535',
  ]);
  expect(await endpoint("localhost:99999")).toEqual([
    'output.endpoint (line 26:13): port 99999 of "localhost:99999" is out of range; use 1 to 65535',
  ]);
  expect(await endpoint("garbage!!")).toEqual([
    'output.endpoint (line 26:13): "garbage!!" has no valid host; use a name of letters, digits, "-" and "." ' +
    "or an IP address",
  ]);
  expect(await endpoint("http://user:s3cret@collector:4318")).toEqual([
    'output.endpoint (line 26:13): "http://user:***@collector:4318" has a user name or password; send credentials ' +
    "in output.headers instead",
  ]);
  expect((await endpoint("http://collector:4318/?token=s3cret")).join("")).not.toContain("s3cret");
});

test("the same endpoint checks and masking hold for --endpoint and OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  const config = writeConfig(VALID);
  const flag = runCli(["validate", config, "--endpoint", "https://admin:s3cret@collector"]);
  expect(flag.code).toBe(2);
  expect(flag.stderr.trim()).toBe(
    '--endpoint: "https://admin:***@collector" has a user name or password; send credentials in output.headers instead',
  );
  const env = runCli(["validate", config], { runtime: "bun" }, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://host:0" });
  expect(env.stderr.trim()).toBe(
    'OTEL_EXPORTER_OTLP_ENDPOINT: port 0 of "http://host:0" is out of range; use 1 to 65535',
  );
}, 60_000);

test("validate compiles the plan: a span kind whose operation() throws is one line naming it, exit 1", () => {
  const config = writeConfig(VALID.replace("span_kind: server", "span_kind: acme/lambda"));
  const result = runCli(["validate", config, "--plugin", "test/fixtures/throwing-span-kind.ts"]);
  expect({ code: result.code, stderr: result.stderr.trim(), stdout: result.stdout }).toEqual({
    code: 1,
    stderr: 'plugin "acme": span kind "acme/lambda" operation() of "GET /api/users" (templates.web) failed: cold start',
    stdout: "",
  });
}, 60_000);

test(
  "validate creates the exporters as run would: a file that cannot be opened is refused, and none is created",
  () => {
    const config = writeConfig(VALID);
    const missing = join(mkdtempSync(join(tmpdir(), "dreamweaver-validate-")), "no-such-dir", "out.jsonl");
    const result = runCli(["validate", config, "--exporter", `file:${missing}`]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`cannot open "${missing}" for appending: no such directory`);
    const fine = join(mkdtempSync(join(tmpdir(), "dreamweaver-validate-")), "out.jsonl");
    expect(runCli(["validate", config, "--exporter", `file:${fine}`]).code).toBe(0);
    expect(existsSync(fine)).toBe(false);
  },
  60_000,
);

test("a plugin with the name of a built-in one is told so", () => {
  const result = runCli(["validate", writeConfig(VALID), "--plugin", "test/fixtures/builtin-name-plugin.ts"]);
  expect(result.code).toBe(2);
  expect(result.stderr.trim()).toBe(
    'plugins: plugin "placeholders" has the name of a built-in plugin; give it a name of its own',
  );
}, 60_000);
