// Inputs that used to exhaust memory, never end or wrap timestamps: each is now one located error.
import { expect, test } from "bun:test";
import { runCli } from "./helpers/cli.ts";
import { problemsOf, VALID, writeConfig } from "./helpers/config.ts";

/** Services s0 .. s(n-1), each calling the next twice (through two replicas of the path): 2^n spans. */
function diamond(levels: number): string {
  const services = Array.from({ length: levels }, (_, i) => {
    const next = i + 1 < levels ? `, downstream: [a${i + 1}, b${i + 1}]` : "";
    return `  - { name: a${i}, type: web${next} }\n  - { name: b${i}, type: web${next} }`;
  });
  return `seed: x
templates:
  web: { traces: { span_kind: internal, operations: [work] } }
services:
  - { name: entry, type: web, downstream: [a0, b0] }
${services.join("\n")}
workload: { rate: 1/s, duration: 1m }
output: { endpoint: localhost:4317 }
`;
}

test("a request that would fan out past the span limit is refused with the computed figure", async () => {
  expect(await problemsOf(diamond(30))).toEqual([
    'services[0] (line 5:5): a request entering at "entry" would have 2,147,483,647 spans; the limit is 100,000 ' +
    "(calls fan out at every level: call fewer services, or fewer times)",
  ]);
});

test("a million replicas, an endless duration or a rate that yields nothing are refused", async () => {
  expect(await problemsOf(VALID.replace("type: db\n", "type: db\n    replicas: 1000000\n"))).toEqual([
    "services (line 14:3): 1,000,002 service instances (replicas summed, deploys' new ones included); the limit is 10,000",
  ]);
  // Each deploy replaces every replica by a new instance: 2,000 replicas deployed four times are 10,000 more.
  const deploys = [1, 2, 3, 4].map((k) =>
    `  - { name: d${k}, at: ${k * 10}s, duration: 5s, target: users-db, deploy: { version: "${k}.0" } }`
  );
  expect(
    await problemsOf(
      `${VALID.replace("type: db\n", "type: db\n    replicas: 2000\n")}scenarios:\n${deploys.join("\n")}\n`,
    ),
  ).toEqual([
    "services (line 14:3): 10,002 service instances (replicas summed, deploys' new ones included); the limit is 10,000",
  ]);
  expect(
    await problemsOf(
      VALID.replace("base_duration_ms", "x").replace(
        'operations: ["SELECT"]',
        'operations: ["SELECT"]\n      base_duration_ms: 1e300',
      ),
    ),
  ).toEqual([
    "templates.db.traces.base_duration_ms (line 13:25): must be at most 3600000 (was 1e+300)",
  ]);
  expect(await problemsOf(VALID.replace("duration: 1m", "duration: 30000d"))).toEqual([
    "workload.duration (line 24:13): longer than a year of simulated time; the limit is 366d",
  ]);
  expect(await problemsOf(VALID.replace("rate: 10/s", "rate: 0.0000001/s"))).toEqual([
    "workload (line 23:3): 1e-7/s for 60 s yields no request (0.0000060 expected); raise the rate or lengthen the duration",
  ]);
});

test("a start time before 1970 is a flag error; a YAML alias bomb is one line, exit 2, no stack", () => {
  const run = runCli([
    "run",
    writeConfig(VALID),
    "--fast",
    "--start-time",
    "1900-01-01T00:00:00Z",
    "--exporter",
    "none",
  ]);
  expect(run.stderr.trim()).toBe("--start-time: before 1970: OTLP timestamps count from the Unix epoch");
  expect(run.code).toBe(2);
  const levels = "abcdefgh".split("");
  const bomb = levels.map((name, i) =>
    i === 0
      ? `${name}: &${name} [x, x, x, x, x, x, x, x, x]`
      : `${name}: &${name} [${Array(9).fill(`*${levels[i - 1]}`).join(", ")}]`
  ).join("\n");
  const result = runCli(["validate", writeConfig(bomb)]);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr.trim()).toStartWith("config: its aliases (*name) expand to too much data");
  expect(result.code).toBe(2);
});
