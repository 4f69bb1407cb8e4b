// A third-party plugin that goes wrong, seen from the command line: one line naming the plugin, no
// stack trace, and, whenever the run got going, its own figures.
import { describe, expect, test } from "bun:test";
import { command, readInBackground, ROOT, runCli, runStarted } from "./helpers/cli.ts";
import { VALID, writeConfig } from "./helpers/config.ts";

const CONFIG = writeConfig(VALID.replace("duration: 1m", "duration: 2s"));

function runWith(exporter: string) {
  return runCli(["run", CONFIG, "--fast", "--plugin", "test/fixtures/faulty-exporters.ts", "--exporter", exporter]);
}

function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
}

test("a factory that throws: one line naming the plugin and the exporter, exit 1", () => {
  const result = runWith("faulty/factory-throws");
  expectNoStack(result.stderr);
  expect(result.stderr.trim().split("\n").at(-1)).toBe(
    `plugin "faulty": exporter "faulty/factory-throws" factory failed: no broker configured`,
  );
  expect(result.code).toBe(1);
});

test("an export() that throws synchronously stops the run: its figures, and the failure naming the plugin", () => {
  const result = runWith("faulty/export-throws");
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^requests {6}\d+/m);
  expect(result.stderr).toMatch(/^failed {8}[1-9]\d* export calls?/m);
  expect(result.stderr).toContain(
    `stopped       plugin "faulty": exporter "faulty/export-throws" export() failed: serializer crashed`,
  );
  expect(result.code).toBe(1);
});

test("an exporter without close(): nothing to close, the run succeeds", () => {
  const result = runWith("faulty/no-close");
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^failed {8}0 export calls/m);
  expect(result.code).toBe(0);
});

test("a close() that rejects: the run's figures, then the close error naming the plugin, exit 1", () => {
  const result = runWith("faulty/close-rejects");
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^failed {8}0 export calls/m);
  expect(result.stderr).toContain(
    `close error   plugin "faulty": exporter "faulty/close-rejects" close() failed: flush timed out`,
  );
  expect(result.code).toBe(1);
});

// Plugins bounded in time, and plugins that break mid-run: every run ends, with its figures.

test("an export() that never settles times out at --timeout: counted unconfirmed, exit 1", () => {
  const result = runCli([
    "run",
    CONFIG,
    "--fast",
    "--timeout",
    "0.2s",
    "--plugin",
    "test/fixtures/faulty-exporters.ts",
    "--exporter",
    "faulty/export-hangs",
  ]);
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^delivered {5}0 export calls/m);
  expect(result.stderr).toMatch(/^unconfirmed {3}[1-9]\d* export calls? got no answer, may have arrived/m);
  expect(result.stderr).toContain(
    `last error    plugin "faulty": exporter "faulty/export-hangs" export() did not finish within 0.2s`,
  );
  expect(result.code).toBe(1);
}, 30_000);

test("a close() that never settles is given up on after the shutdown budget, exit 1", () => {
  const result = runWith("faulty/close-hangs");
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^failed {8}0 export calls/m);
  expect(result.stderr).toContain(
    `close error   plugin "faulty": exporter "faulty/close-hangs" close() did not finish within 5s`,
  );
  expect(result.code).toBe(1);
}, 30_000);

test("Ctrl-C while every export hangs ends the run within its budget, counting what was not delivered", async () => {
  const child = Bun.spawn(
    [
      ...command({ runtime: "bun" }),
      "run",
      writeConfig(VALID.replace("duration: 1m", "duration: 10m")),
      "--plugin",
      "test/fixtures/faulty-exporters.ts",
      "--exporter",
      "faulty/export-hangs",
      "--json",
    ],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const stderr = readInBackground(child.stderr);
  // The first line says the run has begun (and Ctrl-C is handled); then a second of calls that hang.
  await runStarted(stderr);
  await Bun.sleep(1000);
  child.kill("SIGINT");
  expect(await child.exited).toBe(1);
  await stderr.done;
  expectNoStack(stderr.text);
  expect(stderr.text).toContain("stopping: sending what was generated");
  const summary = JSON.parse(await new Response(child.stdout).text());
  expect(summary.requests).toBeGreaterThan(0);
  expect(summary.deliveredExports).toBe(0);
  // The calls still hanging were cut off at shutdown: they may have arrived, so they are not called lost.
  expect(summary.unconfirmedExports).toBeGreaterThan(0);
  expect(summary.failedExports).toBe(0);
  const generated = summary.spans + summary.dataPoints + summary.logRecords;
  const accounted = ["unconfirmed", "dropped"].reduce(
    (total, outcome) => total + summary[outcome].traces + summary[outcome].metrics + summary[outcome].logs,
    0,
  );
  expect(accounted).toBe(generated);
}, 30_000);

test("an exporter that breaks later ends the run: what was generated is accounted for, exit 1", () => {
  const result = runCli([
    "run",
    writeConfig(VALID.replace("duration: 1m", "duration: 10m")),
    "--fast",
    // One process: the exporter counts its calls in its module (with workers, each worker counts its own).
    "--workers",
    "1",
    "--json",
    "--plugin",
    "test/fixtures/faulty-exporters.ts",
    "--exporter",
    "faulty/breaks-later",
  ]);
  expectNoStack(result.stderr);
  const summary = JSON.parse(result.stdout);
  expect(summary.failure).toBe(
    `plugin "faulty": exporter "faulty/breaks-later" export() failed: cannot read properties of undefined`,
  );
  expect(summary.deliveredExports).toBe(20);
  // Stopped well before the 6,000 requests of its 10 minutes.
  expect(summary.requests).toBeLessThan(6000);
  expect(summary.delivered.traces + summary.lost.traces + summary.dropped.traces).toBe(summary.spans);
  expect(result.code).toBe(1);
}, 30_000);

describe("a placeholder that throws after 300 calls", () => {
  const config = writeConfig(
    VALID.replace("{ip}", "{ip} order {flaky/breaks_after:300}").replace("duration: 1m", "duration: 10m"),
  );
  // One process: the placeholder counts its calls in its module (test/workers.test.ts runs it in workers).
  const args = ["run", config, "--fast", "--workers", "1", "--sink", "--plugin", "test/fixtures/faulty-placeholder.ts"];
  const failure =
    `plugin "flaky": placeholder "{flaky/breaks_after}" generate failed: order book exhausted after 300 orders`;

  test("ends the run with its summary and the plugin named, and sends what was generated before it", () => {
    const result = runCli(args);
    expectNoStack(result.stderr);
    expect(result.stderr).toContain(`stopped       ${failure}`);
    expect(result.stderr).toMatch(/^requests {6}\d+/m);
    expect(result.stderr).toMatch(/^failed {8}0 export calls/m);
    expect(result.stderr).toContain("built-in receiver");
    expect(result.code).toBe(1);
  }, 30_000);

  test("--json prints the summary with the failure, and the receiver got every complete request", () => {
    const result = runCli([...args, "--json"]);
    expectNoStack(result.stderr);
    const summary = JSON.parse(result.stdout);
    expect(summary.failure).toBe(failure);
    // Two log patterns per request: it broke on the 151st request, which was taken back whole.
    expect(summary.requests).toBe(150);
    expect(summary.receiver.spans).toBe(summary.spans);
    expect(summary.receiver.logRecords).toBe(summary.logRecords);
    expect(summary.receiver.dataPoints).toBe(summary.dataPoints);
    // No trace arrived half: the receiver found every span's parent and every log's span.
    expect(summary.receiver.violations).toBe(0);
    expect(result.code).toBe(1);
  }, 30_000);
});
