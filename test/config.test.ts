import { describe, expect, test } from "bun:test";
import { SEVERITY_NUMBER } from "../src/config/config.ts";
import { loadYaml, problemsOf, VALID } from "./helpers/config.ts";

/** VALID with one line replaced, so each test shows exactly the mistake it makes. */
function edit(from: string, to: string): string {
  if (!VALID.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return VALID.replace(from, to);
}

describe("a valid config", () => {
  test("gets the seed's defaults", async () => {
    const { config } = await loadYaml(VALID);
    const web = config.templates.get("web")!;
    expect(web.traces).toEqual({
      spanKind: "server",
      operations: ["GET /api/users"],
      errorRate: 0,
      baseDurationMs: 50,
      errorPropagation: 1,
    });
    expect(web.logs[0]!.severity).toBe("info");
    expect(config.services[2]!.downstream).toEqual([]);
    expect(config.output).toEqual({
      endpoint: { url: "http://localhost:4317", tls: false },
      batchSize: 100,
      temporality: "cumulative",
      maxMessageBytes: 4 * 1024 * 1024,
      concurrency: 4,
      protocol: "grpc",
      compression: "none",
      headers: {},
      timeoutMs: 10_000,
    });
    expect(config.workload).toEqual({
      ratePerSecond: 10,
      durationSeconds: 60,
      shape: { kind: "constant", rate: 10 },
      arrivals: "poisson",
    });
  });

  test("templates follow the latest conventions and record exceptions as span events unless told", async () => {
    const { config } = await loadYaml(VALID);
    expect(config.templates.get("web")).toMatchObject({ semconv: "latest", exceptions: "events" });
    const pinned = await loadYaml(
      VALID.replace("  db:\n", "  db:\n    semconv: v1.24\n    exceptions: both\n").replace(
        '      operations: ["SELECT"]',
        '      operations: ["GetUser"]\n      rpc: { system: connectrpc, service: users.v1.UserService }',
      ),
    );
    expect(pinned.config.templates.get("db")).toMatchObject({
      semconv: "v1.24",
      exceptions: "both",
      traces: { rpc: { system: "connectrpc", service: "users.v1.UserService" } },
    });
  });

  test("metric unit defaults to the empty string", async () => {
    const { config } = await loadYaml(
      edit("    logs:\n", "    metrics:\n      - name: requests\n        type: counter\n    logs:\n"),
    );
    expect(config.templates.get("web")!.metrics).toEqual([{ name: "requests", type: "counter", unit: "" }]);
  });

  test("severities map to the OTLP severity numbers of the seed", () => {
    expect(SEVERITY_NUMBER).toEqual({ trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 });
  });

  test("a numeric seed is read as its text", async () => {
    const { config } = await loadYaml(edit('seed: "test"', "seed: 42"));
    expect(config.seed).toBe("42");
  });

  test("the graph has entry points, edges and depth", async () => {
    const { graph } = await loadYaml(VALID);
    expect(graph.entryPoints.map((n) => n.name)).toEqual(["frontend"]);
    expect(graph.edges.map((e) => `${e.from.name}->${e.to.name}`)).toEqual(["frontend->users", "users->users-db"]);
    expect(graph.depth).toBe(3);
  });
});

describe("each mistake is one located line", () => {
  const cases: [string, string, string, string][] = [
    ["unknown top-level key", "seed:", "sede: 1\nseed:", 'sede (line 1:1): unknown key "sede". Did you mean "seed"?'],
    [
      "unknown nested key",
      '      operations: ["SELECT"]',
      '      operations: ["SELECT"]\n      error_rte: 0.1',
      'templates.db.traces.error_rte (line 13:7): unknown key "error_rte". Did you mean "error_rate"?',
    ],
    [
      "misspelt required key reports the typo, not a missing key",
      "      span_kind: client",
      "      span_knd: client",
      'templates.db.traces.span_knd (line 11:7): unknown key "span_knd". Did you mean "span_kind"?',
    ],
    [
      "missing required key",
      "workload:\n  rate: 10/s\n",
      "workload:\n",
      "workload (line 23:3): missing rate: write e.g. rate: 10/s, or a shape",
    ],
    [
      "wrong type",
      '      operations: ["SELECT"]',
      "      operations: SELECT",
      "templates.db.traces.operations (line 12:19): must be an array (was string)",
    ],
    [
      "empty operations",
      '      operations: ["SELECT"]',
      "      operations: []",
      "templates.db.traces.operations (line 12:19): must be non-empty",
    ],
    [
      "empty patterns",
      '      - patterns: ["request from {ip}"]',
      "      - patterns: []",
      "templates.web.logs[0].patterns (line 8:19): must be non-empty",
    ],
    [
      "error_rate above 1",
      '      operations: ["SELECT"]',
      '      operations: ["SELECT"]\n      error_rate: 1.5',
      "templates.db.traces.error_rate (line 13:19): must be at most 1 (was 1.5)",
    ],
    [
      "negative error_rate",
      '      operations: ["SELECT"]',
      '      operations: ["SELECT"]\n      error_rate: -0.1',
      "templates.db.traces.error_rate (line 13:19): must be non-negative (was -0.1)",
    ],
    [
      "unknown span kind lists the known ones",
      "      span_kind: client",
      "      span_kind: clinet",
      'templates.db.traces.span_kind (line 11:18): unknown span kind "clinet". Did you mean "client"? Known: "client", "consumer", "internal", "producer" or "server".',
    ],
    [
      "unknown severity",
      '      - patterns: ["request from {ip}"]',
      '      - patterns: ["request from {ip}"]\n        severity: warning',
      'templates.web.logs[0].severity (line 9:19): must be "debug", "error", "fatal", "info", "trace" or "warn" (was "warning")',
    ],
    [
      "unknown placeholder lists the known ones",
      "request from {ip}",
      "request from {requestid}",
      'templates.web.logs[0].patterns[0] (line 8:20): unknown placeholder "{requestid}". Did you mean "{request_id}"? Known: "{amount}", "{choice}", "{duration}", "{duration_ms}", "{email}", "{error}", "{hex}", "{hostname}", "{http_method}", "{int}", "{ip}", "{request_id}", "{slug}", "{span}", "{span_name}", "{status_code}", "{url_path}", "{user_agent}", "{user_id}", "{uuid}" or "{word}".',
    ],
    [
      "unknown template",
      "    type: db",
      "    type: dbb",
      'services[2].type (line 21:11): unknown template "dbb". Did you mean "db"?',
    ],
    [
      "unknown downstream service",
      "downstream: [users-db]",
      "downstream: [users-db2]",
      'services[1].downstream[0] (line 19:18): unknown service "users-db2". Did you mean "users-db"?',
    ],
    [
      "malformed rate",
      "rate: 10/s",
      "rate: 10 per second",
      'workload.rate (line 23:9): "10 per second" is not a rate; write <count>/<s|m|h>, e.g. "100/s" or "6000/m"',
    ],
    ["zero rate", "rate: 10/s", "rate: 0/s", 'workload.rate (line 23:9): rate must be positive (was "0/s")'],
    [
      "malformed duration",
      "duration: 1m",
      "duration: 1 fortnight",
      'workload.duration (line 24:13): "1 fortnight" is not a duration; write <number><s|m|h|d>, e.g. "30s", "5m" or "1h"',
    ],
    [
      "zero duration",
      "duration: 1m",
      "duration: 0s",
      'workload.duration (line 24:13): duration must be positive (was "0s")',
    ],
    [
      "non-positive batch_size",
      "  endpoint: grpc://localhost:4317\n",
      "  endpoint: grpc://localhost:4317\n  batch_size: 0\n",
      "output.batch_size (line 27:15): must be positive (was 0)",
    ],
    [
      "endpoint with an unknown scheme",
      "grpc://localhost:4317",
      "ftp://localhost:4317",
      'output.endpoint (line 26:13): unsupported scheme "ftp://" in "ftp://localhost:4317"; use grpc://, http:// or https://',
    ],
    [
      "unknown conventions era",
      '      operations: ["SELECT"]',
      '      operations: ["SELECT"]\n    semconv: v1.2',
      'templates.db.semconv (line 13:14): must be "dup", "latest" or "v1.24" (was "v1.2")',
    ],
    [
      "misspelt key of traces.rpc",
      '      operations: ["SELECT"]',
      '      operations: ["SELECT"]\n      rpc: { servce: x.Y }',
      'templates.db.traces.rpc.servce (line 13:14): unknown key "servce". Did you mean "service"?',
    ],
  ];
  for (const [name, from, to, expected] of cases) {
    test(name, async () => {
      expect(await problemsOf(edit(from, to))).toEqual([expected]);
    });
  }

  test("traces.calls names an operation of the template and services or operations that exist", async () => {
    const calls = '      operations: ["GET /api/users"]\n      calls: { "GET /api/user": [users-db, SELCT] }\n';
    expect(await problemsOf(edit('      operations: ["GET /api/users"]\n', calls))).toEqual([
      'templates.web.traces.calls["GET /api/user"] (line 7:16): "GET /api/user" is not an operation of this template. Did you mean "GET /api/users"?',
      'templates.web.traces.calls["GET /api/user"][1] (line 7:44): unknown call "SELCT": name a downstream service or one of its operations. Did you mean "SELECT"?',
    ]);
  });

  test("traces.calls is read per operation", async () => {
    const calls = '      operations: ["GET /api/users"]\n      calls: { "GET /api/users": [SELECT] }\n';
    const { config } = await loadYaml(edit('      operations: ["GET /api/users"]\n', calls));
    expect([...config.templates.get("web")!.traces!.calls!]).toEqual([["GET /api/users", ["SELECT"]]]);
  });

  test("duplicate service name", async () => {
    // Renaming users-db to users also leaves users' call to users-db unknown: two true problems.
    expect(await problemsOf(edit("  - name: users-db", "  - name: users"))).toEqual([
      'services[1].downstream[0] (line 19:18): unknown service "users-db". Services: frontend, users.',
      'services[2].name (line 20:11): duplicate service name "users" (first defined at services[1])',
    ]);
  });

  test("a cycle is printed as the path that closes it", async () => {
    const problems = await problemsOf(edit("    type: db\n", "    type: db\n    downstream: [users]\n"));
    expect(problems).toEqual([
      "services[2].downstream[0] (line 22:18): circular dependency: users -> users-db -> users; the service graph must be acyclic",
    ]);
  });

  test("a service calling itself is a cycle", async () => {
    const problems = await problemsOf(edit("downstream: [users-db]", "downstream: [users-db, users]"));
    expect(problems).toEqual([
      "services[1].downstream[1] (line 19:28): circular dependency: users -> users; the service graph must be acyclic",
    ]);
  });

  test("a graph without an entry point says so", async () => {
    const problems = await problemsOf(edit("    type: db\n", "    type: db\n    downstream: [frontend]\n"));
    expect(problems).toContain(
      "services (line 14:3): no entry point: every service is called by another; at least one must have no callers",
    );
    expect(problems.some((p) => p.includes("circular dependency: frontend -> users -> users-db -> frontend"))).toBe(
      true,
    );
  });

  test("malformed YAML", async () => {
    expect(await problemsOf('seed: "test\ntemplates: {}\n')).toEqual([
      'config (line 3:1): invalid YAML: Missing closing "quote',
    ]);
  });

  test("duplicate YAML keys", async () => {
    const problems = await problemsOf(edit('seed: "test"', 'seed: "test"\nseed: "again"'));
    expect(problems).toEqual([expect.stringMatching(/^config \(line 2:1\): invalid YAML: Map keys must be unique/)]);
  });

  test("an empty file", async () => {
    expect(await problemsOf("")).toEqual(["config: the file is empty; start from one of the examples/"]);
    expect(await problemsOf("# only a comment\n")).toEqual([
      "config: the file is empty; start from one of the examples/",
    ]);
  });

  // Found by the config fuzz test (test/fuzz-config.test.ts): each crashed or printed more than one line.
  test("an empty list where a mapping belongs is refused, not taken for an empty mapping", async () => {
    const problems = await problemsOf(edit("templates:\n  web:", "templates: []\nunused:\n  web:"));
    expect(problems).toContain("templates (line 2:12): must be a mapping (was a list)");
  });

  test("YAML that only warns (an unknown tag, an ambiguous anchor) is a problem, not a message on stderr", async () => {
    expect(await problemsOf(edit('seed: "test"', 'seed: !secret "test"'))).toEqual([
      "config (line 1:7): invalid YAML: Unresolved tag: !secret",
    ]);
  });

  test("a value that breaks several conditions is one line naming them all", async () => {
    expect(await problemsOf(edit("    type: db\n", "    type: db\n    replicas: 0.5\n"))).toEqual([
      "services[2].replicas (line 22:15): must be an integer and at least 1 (was 0.5)",
    ]);
  });

  test("a quoted value with a line break stays on one line", async () => {
    expect(await problemsOf(edit("span_kind: client", 'span_kind: "cli\\nent"'))).toEqual([
      'templates.db.traces.span_kind (line 11:18): unknown span kind "cli\\nent". Did you mean "client"? Known: ' +
      '"client", "consumer", "internal", "producer" or "server".',
    ]);
  });

  test("a mapping where a shape's peak belongs is named as such, not as [object Object]", async () => {
    const shape = "rate: 10/s\n  shape: { diurnal: { min: 1/s, max: 5/s, peak: { at: 14 } } }";
    expect(await problemsOf(edit("rate: 10/s", shape))).toEqual([
      'workload.shape.diurnal.peak (line 24:49): must be a UTC time of day such as "14:00" or a duration after ' +
      "the start such as 6h",
    ]);
  });

  test("a document that is not a mapping", async () => {
    expect(await problemsOf("- a\n- b\n")).toEqual(["config (line 1:1): must be a mapping (was a list)"]);
  });
});

test("several mistakes are all reported in one pass, in file order", async () => {
  const broken = VALID.replace("span_kind: server", "span_kind: srever")
    .replace("request from {ip}", "request from {ip} {user}")
    .replace("downstream: [users-db]", "downstream: [usersdb]")
    .replace("rate: 10/s", "rate: fast")
    .replace("grpc://localhost:4317", "grpc://localhost:4317\n  batch_sise: 10");
  const problems = await problemsOf(broken);
  expect(problems.map((p) => p.split(":")[0])).toEqual([
    "templates.web.traces.span_kind (line 5",
    "templates.web.logs[0].patterns[0] (line 8",
    "services[1].downstream[0] (line 19",
    "workload.rate (line 23",
    "output.batch_sise (line 27",
  ]);
});
