// The flags that users of telemetrygen and the OpenTelemetry SDKs reach for, and the SDKs' resource
// variables, all through the one settings stage that run, validate, explain and graph share.
import { describe, expect, test } from "bun:test";
import { planRun } from "../src/engine/plan.ts";
import { parseRate } from "../src/config/units.ts";
import { DreamweaverError } from "../src/plugin-host/errors.ts";
import { LIMITS } from "../src/config/limits.ts";
import { problemsOf, VALID, writeConfig } from "./helpers/config.ts";
import { captureExports, loadSettings, runFast } from "./helpers/run.ts";
import type { SettingsFlags } from "../src/config/settings.ts";
import type { Environment } from "../src/config/otel-environment.ts";

const CONFIG = writeConfig(VALID);

/** The one-line problems of VALID with these flags and environment. */
async function flagProblems(flags: SettingsFlags, environment: Environment = {}): Promise<string[]> {
  try {
    await loadSettings(CONFIG, flags, environment);
  } catch (error) {
    if (error instanceof DreamweaverError) return error.lines();
    throw error;
  }
  return [];
}

describe("output flags", () => {
  test("--header adds to the file's and the environment's headers, repeatable, quotes taken off", async () => {
    const settings = await loadSettings(CONFIG, { headers: ["api-key=s3cret", 'X-Team="a b"', "b=c=d"] }, {
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=old,tenant=acme",
    });
    expect(settings.config.output.headers).toEqual({ "api-key": "s3cret", "x-team": "a b", tenant: "acme", b: "c=d" });
    expect(await flagProblems({ headers: ["no-equals"] })).toEqual([
      "--header: write key=value with a header name as the key, e.g. --header api-key=s3cret",
    ]);
  });

  test("--protocol overrides the file and OTEL_EXPORTER_OTLP_PROTOCOL, and picks the exporter", async () => {
    const settings = await loadSettings(CONFIG, { protocol: "http/json" }, {
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    });
    expect(settings.config.output.protocol).toBe("http/json");
    expect(settings.run.exporters.map((choice) => choice.spec)).toEqual(["otlp-http"]);
    expect(await flagProblems({ protocol: "thrift" })).toEqual([
      '--protocol: "thrift" is not a protocol; use grpc, http/protobuf or http/json',
    ]);
  });

  test("--insecure does not verify the receiver's certificate", async () => {
    const settings = await loadSettings(CONFIG, { insecure: true });
    expect(settings.config.output.tls).toEqual({ insecure: true });
    expect(settings.run.tls?.insecure).toBe(true);
  });
});

describe("workload flags", () => {
  test("--rate takes a bare number per second, and units spelt out", async () => {
    expect((await loadSettings(CONFIG, { rate: "500" })).config.workload.ratePerSecond).toBe(500);
    expect((await loadSettings(CONFIG, { rate: "120/min" })).config.workload.ratePerSecond).toBe(2);
    expect(parseRate("10/sec")).toEqual({ ok: true, value: 10 });
    expect(parseRate("7200/Hour")).toEqual({ ok: true, value: 2 });
    expect(parseRate("10/fortnight").ok).toBe(false);
    expect(await flagProblems({ rate: "0" })).toEqual(['--rate: rate must be positive (was "0")']);
  });

  test("--duration 0 or inf runs until stopped, paced only", async () => {
    for (const duration of ["0", "inf"]) {
      const { workload } = (await loadSettings(CONFIG, { duration })).config;
      expect(workload.endless).toBe(true);
      expect(workload.durationSeconds).toBe(LIMITS.durationSeconds);
    }
    expect(await flagProblems({ duration: "inf", fast: true })).toEqual([
      "--duration: a run until Ctrl-C is paced; leave out --fast, or give a duration",
    ]);
  });

  test("--requests N stops after N requests, or at the end of the run if sooner", async () => {
    const settings = await loadSettings(CONFIG, { requests: "25" });
    expect(settings.config.workload.maxRequests).toBe(25);
    const sent = captureExports(settings);
    const summary = await runFast(settings, { exporter: "capture" });
    expect(summary.requests).toBe(25);
    expect(sent.length).toBeGreaterThan(0);
    // An endless run limited by --requests counts exactly that many, without walking a year of schedule.
    expect(planRun(await loadSettings(CONFIG, { requests: "40", duration: "inf" })).totalRequests).toBe(40);
    expect(planRun(await loadSettings(CONFIG, { requests: "100000" })).totalRequests).toBeLessThan(1000);
    expect(await flagProblems({ requests: "0" })).toEqual([
      '--requests: "0" is not a number of requests; write a whole number from 1, e.g. 1000',
    ]);
  });

  test("--seed replaces the config's seed", async () => {
    expect((await loadSettings(CONFIG, { seed: "other" })).config.seed).toBe("other");
  });
});

describe("the SDKs' resource variables", () => {
  test("OTEL_RESOURCE_ATTRIBUTES is on every instance's resource, under the config's own attributes", async () => {
    const yaml = VALID.replace("  - name: users-db\n", "  - name: users-db\n    resource_attributes: { team: db }\n");
    const settings = await loadSettings(writeConfig(yaml), {}, {
      OTEL_RESOURCE_ATTRIBUTES: "run.id=42, team=web%20team,deployment.environment.name=staging",
    });
    expect(settings.notes).toEqual([]);
    for (const instance of planRun(settings).instances) {
      const resource = Object.fromEntries(
        instance.resource.attributes.map((kv) => [kv.key, (kv.value as { string?: string }).string]),
      );
      expect(resource["run.id"]).toBe("42");
      expect(resource["deployment.environment.name"]).toBe("staging");
      expect(resource.team).toBe(instance.service.name === "users-db" ? "db" : "web team");
    }
  });

  test("what would merge the simulated services is ignored, with a note", async () => {
    const settings = await loadSettings(CONFIG, {}, {
      OTEL_SERVICE_NAME: "checkout",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=x,service.instance.id=y,run.id=1",
    });
    expect(settings.notes).toEqual([
      "OTEL_SERVICE_NAME is ignored: every simulated service has its own name, from the config",
      "OTEL_RESOURCE_ATTRIBUTES: service.name is ignored: each simulated service has its own",
      "OTEL_RESOURCE_ATTRIBUTES: service.instance.id is ignored: each simulated service has its own",
    ]);
    const names = planRun(settings).instances.map((instance) =>
      instance.resource.attributes.find((kv) => kv.key === "service.name")!.value
    );
    expect(names).toEqual(["frontend", "users", "users-db"].map((name) => ({ string: name })));
  });

  test("a malformed OTEL_RESOURCE_ATTRIBUTES is a problem named by the variable", async () => {
    expect(await flagProblems({}, { OTEL_RESOURCE_ATTRIBUTES: "run.id=1,oops" })).toEqual([
      "OTEL_RESOURCE_ATTRIBUTES: entry 2 is not key=value, e.g. run.id=42",
    ]);
  });
});

test("a template's Helm-style placeholder is one located error, however many services use it", async () => {
  const yaml = VALID.replace('["request from {ip}"]', '["request from {{ ip }}"]');
  expect(await problemsOf(yaml)).toEqual([
    'templates.web.logs[0].patterns[0] (line 8:20): "{{ ip }}" is Helm/Jinja syntax, which is not read here; ' +
    'write "{ip}"',
  ]);
});
