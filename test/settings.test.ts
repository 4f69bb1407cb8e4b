import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromJson } from "@bufbuild/protobuf";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { ExporterHost } from "../src/plugin-host/plugin.ts";
import { run } from "../src/run/run.ts";
import { runCli } from "./helpers/cli.ts";
import { VALID, writeConfig } from "./helpers/config.ts";
import { exporterHost } from "../src/cli/host.ts";
import { loadSettings } from "./helpers/run.ts";
import { resolveSettings } from "../src/config/settings.ts";
import { builtinPlugins } from "../plugins/index.ts";

const BAD_RATE = writeConfig(VALID.replace("rate: 10/s", "rate: ten/s"));

test("validate reports a bad value in the file, the environment and a flag together, each named by its source", () => {
  const result = runCli(["validate", BAD_RATE, "--timeout", "soon"], { runtime: "bun" }, {
    OTEL_EXPORTER_OTLP_COMPRESSION: "zip",
  });
  expect(result.code).toBe(2);
  expect(result.stderr).not.toContain("    at "); // no stack trace
  const lines = result.stderr.trim().split("\n");
  expect(lines).toContain(
    `workload.rate (line 23:9): "ten/s" is not a rate; write <count>/<s|m|h>, e.g. "100/s" or "6000/m"`,
  );
  expect(lines).toContain(`OTEL_EXPORTER_OTLP_COMPRESSION: "zip" is not a compression; use gzip or none`);
  expect(lines.some((line) => line.startsWith(`--timeout: "soon" is not a duration`))).toBe(true);
  expect(lines.at(-1)).toBe(`dreamweaver: ${BAD_RATE}: 3 problems`);
}, 30_000);

test("validate prints the effective settings: flags over the environment over the file, header values masked", () => {
  const result = runCli(["validate", writeConfig(VALID), "--endpoint", "http://collector:4318"], { runtime: "bun" }, {
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
    OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20s3cret",
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^ {2}output {8}http:\/\/collector:4318 \(http\/protobuf\)/m);
  expect(result.stdout).toMatch(/^ {2}headers {7}authorization: \*\*\*$/m);
  expect(result.stdout).toMatch(/^ {2}exporters {5}otlp-http$/m);
  expect(result.stdout).not.toContain("s3cret");
}, 30_000);

test("explain and graph accept the same settings flags and report their mistakes the same way", () => {
  for (const command of ["explain", "graph"]) {
    const result = runCli([command, writeConfig(VALID), "--rate", "fast", "--exporter", "kafak"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--rate: "fast" is not a rate`);
    expect(result.stderr).toContain(`--exporter: unknown exporter "kafak".`);
  }
}, 30_000);

test("--sink with --endpoint is a usage error instead of silently dropping the endpoint", () => {
  const result = runCli(["run", writeConfig(VALID), "--sink", "--endpoint", "localhost:4317"]);
  expect(result.code).toBe(2);
  expect(result.stderr.trim()).toBe("--endpoint: --sink sends to the built-in receiver; leave out one of the two");
}, 30_000);

test("the file and stdout exporters work from the programmatic API when given a host", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "dreamweaver-api-")), "out.jsonl");
  const printed: string[] = [];
  const host: ExporterHost = { ...exporterHost, writeStdout: (text) => void printed.push(text) };
  const settings = await loadSettings(writeConfig(VALID), {
    fast: true,
    rate: "100/s",
    duration: "1s",
    exporters: [`file:${path}`, "stdout"],
  });
  const summary = await run(settings, { host });
  expect(summary.failedExports).toBe(0);
  let spans = 0;
  for (const line of readFileSync(path, "utf8").trim().split("\n")) {
    const parsed = JSON.parse(line);
    if (!("resourceSpans" in parsed)) continue;
    for (const r of fromJson(ExportTraceServiceRequestSchema, parsed).resourceSpans) {
      for (const s of r.scopeSpans) spans += s.spans.length;
    }
  }
  expect(spans).toBe(summary.spans);
  expect(printed.join("")).toMatch(/^trace [0-9a-f]{32}: \d+ spans?, /m);
});

test("settings from a text the caller has checked read no config file and come out as from the file", async () => {
  const file = writeConfig(VALID);
  const fromFile = await loadSettings(file);
  expect(fromFile.configText).toBe(readFileSync(file, "utf8"));
  // A worker of a run gets its parent's checked text; the file may have changed since, and is not read again.
  writeFileSync(file, "seed: [not, a, config]\n");
  const fromText = await resolveSettings({
    file,
    builtins: builtinPlugins,
    readText: () => Promise.reject(new Error("the config file was read again")),
    cwd: process.cwd(),
    checkedText: fromFile.configText,
  });
  // Compiled templates are functions, made anew: the plain parts are compared.
  const { seed, services, workload, output, scenarios } = fromFile.config;
  expect(fromText.config).toMatchObject({ seed, services, workload, output, scenarios });
  expect([...fromText.config.templates.keys()]).toEqual([...fromFile.config.templates.keys()]);
  expect(fromText.configText).toBe(fromFile.configText);
});
