import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DreamweaverError } from "../../src/plugin-host/errors.ts";
import type { Settings } from "../../src/config/settings.ts";
import { loadSettings } from "./run.ts";

const dir = mkdtempSync(join(tmpdir(), "dreamweaver-test-"));
let count = 0;

/** Writes `yaml` to a fresh temporary file and returns its path. */
export function writeConfig(yaml: string): string {
  const file = join(dir, `config-${++count}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

/** Loads a config given as YAML text. */
export function loadYaml(yaml: string, plugins: string[] = []): Promise<Settings> {
  return loadSettings(writeConfig(yaml), { plugins });
}

/** The one-line messages a broken config produces (fails the test if it loads). */
export async function problemsOf(yaml: string, plugins: string[] = []): Promise<string[]> {
  try {
    await loadYaml(yaml, plugins);
  } catch (error) {
    if (error instanceof DreamweaverError) return error.lines();
    throw error;
  }
  throw new Error("expected the config to be rejected, but it loaded");
}

/** A small valid config in the seed's schema; tests replace parts of it. */
export const VALID = `seed: "test"
templates:
  web:
    traces:
      span_kind: server
      operations: ["GET /api/users"]
    logs:
      - patterns: ["request from {ip}"]
  db:
    traces:
      span_kind: client
      operations: ["SELECT"]
services:
  - name: frontend
    type: web
    downstream: [users]
  - name: users
    type: web
    downstream: [users-db]
  - name: users-db
    type: db
workload:
  rate: 10/s
  duration: 1m
output:
  endpoint: grpc://localhost:4317
`;
