// A third-party exporter that goes wrong, seen from the command line: one line naming the plugin, no
// stack trace, and, whenever the run got going, its own figures.
import { expect, test } from "bun:test";
import { runCli } from "./helpers/cli.ts";
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

test("an export() that throws synchronously: the run's figures, and the failure naming the plugin", () => {
  const result = runWith("faulty/export-throws");
  expectNoStack(result.stderr);
  expect(result.stderr).toMatch(/^requests {6}\d+/m);
  expect(result.stderr).toMatch(/^failed {8}[1-9]\d* export calls/m);
  expect(result.stderr).toContain(
    `last error    plugin "faulty": exporter "faulty/export-throws" export() failed: serializer crashed`,
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
