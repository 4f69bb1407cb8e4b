import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { writeConfig } from "./helpers/config.ts";
import { compileBinary, type Launcher, ROOT, runCli } from "./helpers/cli.ts";

const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => `examples/${f}`);
const binary = join(mkdtempSync(join(tmpdir(), "dreamweaver-bin-")), "dreamweaver");
const launchers: Launcher[] = [{ runtime: "bun" }, { runtime: "deno" }, { runtime: "binary", path: binary }];

const BROKEN = writeConfig(`seed: "broken"
templates:
  web:
    traces: { span_kind: sever, operations: [GET /] }
services:
  - { name: a, type: web, downstream: [b] }
  - { name: b, type: web, downstream: [a] }
workload: { rate: 10/s, duration: 1m }
output: { endpoint: localhost:4317 }
`);

beforeAll(() => compileBinary(binary), 60_000);

test("there are at least three examples", () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
});

for (const launcher of launchers) {
  describe(`on ${launcher.runtime}`, () => {
    for (const example of EXAMPLES) {
      test(`${example} validates and its graph prints`, () => {
        const validate = runCli(["validate", example], launcher);
        expect(validate.stderr).toBe("");
        expect(validate.code).toBe(0);
        expect(validate.stdout).toStartWith(`${example}: valid\n`);
        expect(validate.stdout).toMatch(/entry points {2}\S+ \(\d+ spans\/request\)/);

        const mermaid = runCli(["graph", example], launcher);
        expect(mermaid.code).toBe(0);
        expect(mermaid.stdout).toStartWith("flowchart LR\n");
        const dot = runCli(["graph", example, "--format", "dot"], launcher);
        expect(dot.code).toBe(0);
        expect(dot.stdout).toStartWith("digraph dreamweaver {\n");
        expect(dot.stdout.trimEnd()).toEndWith("}");
      });
    }

    test("a broken config: one line per problem, exit status 2, no stack trace", () => {
      const result = runCli(["validate", BROKEN], launcher);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trimEnd().split("\n")).toEqual([
        'templates.web.traces.span_kind (line 4:26): unknown span kind "sever". Did you mean "server"? Known: "client", "consumer", "internal", "producer" or "server".',
        "services (line 6:3): no entry point: every service is called by another; at least one must have no callers",
        "services[1].downstream[0] (line 7:40): circular dependency: a -> b -> a; the service graph must be acyclic",
        `dreamweaver: ${BROKEN}: 3 problems`,
      ]);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });

    test("a missing file is one line", () => {
      const result = runCli(["validate", "no/such/config.yaml"], launcher);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('cannot read config file "no/such/config.yaml": no such file\n');
    });

    test("--version and --help", () => {
      expect(runCli(["--version"], launcher).stdout.trim()).toBe(packageJson.version);
      const help = runCli(["--help"], launcher);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("validate");
      expect(help.stdout).toContain("graph");
    });
  });
}

test("--plugin is repeatable", () => {
  const result = runCli([
    "validate",
    "examples/ecommerce.yaml",
    "--json",
    "--plugin",
    "test/fixtures/order-ids-plugin.ts",
    "--plugin=examples/plugins/acme.ts",
  ]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).plugins).toEqual(expect.arrayContaining(["shop", "acme"]));
});
