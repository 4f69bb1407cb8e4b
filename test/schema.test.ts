// The config's JSON Schema, as editors and CI validators use it: `dreamweaver schema` prints it, every
// example and every config `dreamweaver init` writes passes it (and names it in its first line), and it
// rejects structurally broken configs, as `validate` does. Checked with a validator of our own, not arktype.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { configJsonSchema } from "../src/config/json-schema.ts";
import { SCHEMA_COMMENT } from "../src/config/schema-url.ts";
import { ROOT, runCli } from "./helpers/cli.ts";
import { validateJsonSchema } from "./helpers/json-schema.ts";

const schema = configJsonSchema();
const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => `examples/${f}`);
const BROKEN = join(ROOT, "test", "fixtures", "schema");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

test("`dreamweaver schema` prints the JSON Schema (2020-12) of the config", () => {
  const result = runCli(["schema"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual(schema);
  expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  expect(schema.required).toEqual(["output", "seed", "services", "templates", "workload"]);
});

describe.each(EXAMPLES)("%s", (example) => {
  test("names the schema in its first line and passes it", () => {
    expect(read(example).split("\n")[0]).toBe(SCHEMA_COMMENT);
    expect(validateJsonSchema(schema, parse(read(example)))).toEqual([]);
  });
});

describe("structurally broken configs fail the schema, and `validate` as well", () => {
  const cases: Record<string, string[]> = {
    "wrong-types.yaml": [
      "/seed: matches none of the allowed forms",
      "/templates/web/traces/operations: must be array",
      "/services/0/parallel: must be boolean",
      "/output/batch_size: must be integer",
    ],
    "missing-required.yaml": [
      '/: "output" is required',
      '/services/0: "name" is required',
      '/templates/web/traces: "span_kind" is required',
      '/workload: "duration" is required',
    ],
    "out-of-range.yaml": [
      "/output/concurrency: must be <= 64",
      "/output/max_message_bytes: must be >= 65536",
      '/services/0: "replica" is not allowed',
      "/services/0/replicas: must be >= 1",
      "/services/0/retries: must be <= 10",
      "/templates/web/traces/base_duration_ms: must be > 0",
      "/templates/web/traces/error_rate: must be <= 1",
      "/templates/web/traces/operations: must have at least 1 items",
    ],
  };
  test("there is a fixture for each case", () => {
    expect(readdirSync(BROKEN).sort()).toEqual(Object.keys(cases).sort());
  });
  for (const [fixture, errors] of Object.entries(cases)) {
    test(fixture, () => {
      const config = parse(readFileSync(join(BROKEN, fixture), "utf8"));
      expect(validateJsonSchema(schema, config).sort()).toEqual(errors.sort());
      expect(runCli(["validate", join(BROKEN, fixture)]).code).toBe(2);
    });
  }
});

describe.each(["web", "queue", "minimal"])("`dreamweaver init --template %s`", (template) => {
  test("writes a commented config that passes the schema and `validate`", () => {
    const file = join(mkdtempSync(join(tmpdir(), "dreamweaver-init-")), "dreamweaver.yaml");
    const init = runCli(["init", file, "--template", template]);
    expect(init.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.split("\n")[0]).toBe(SCHEMA_COMMENT);
    expect(text.split("\n").filter((line) => line.trimStart().startsWith("#")).length).toBeGreaterThan(3);
    expect(validateJsonSchema(schema, parse(text))).toEqual([]);
    const validate = runCli(["validate", file]);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
  });
});
