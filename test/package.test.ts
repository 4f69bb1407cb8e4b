// The package as a user gets it: `npm pack` (which builds it), installed from the tarball into an empty
// project, then run as `npx dreamweaver` (Node), `bunx --bun dreamweaver` and `deno run -A npm:dreamweaver`;
// a third-party plugin written in TypeScript is type-checked against the installed declarations with a
// plain `tsc --init` configuration, loaded by Bun and Deno, and run through `dreamweaver/testing`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createSecureServer } from "node:http2";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import packageJson from "../package.json" with { type: "json" };
import { LogsService } from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { MetricsService } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { TraceService } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { selfSigned } from "./helpers/certificate.ts";
import { ROOT } from "./helpers/cli.ts";

const work = mkdtempSync(join(tmpdir(), "dreamweaver-package-"));
const project = join(work, "project");
const BIN = join(ROOT, "node_modules", ".bin");
const EXAMPLE = "node_modules/dreamweaver/examples/ecommerce.yaml";

/** How a user starts the installed package on each runtime. */
const RUNTIMES = {
  node: ["npx", "dreamweaver"],
  bun: [process.execPath, "x", "--bun", "dreamweaver"],
  deno: [join(BIN, "deno"), "run", "-A", "--quiet", "npm:dreamweaver"],
} as const;

type Runtime = keyof typeof RUNTIMES;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function spawn(command: readonly string[], cwd = project): Result {
  const result = Bun.spawnSync([...command], { cwd, env: { ...process.env, NO_COLOR: "1" } });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function succeed(command: readonly string[], cwd = project): string {
  const result = spawn(command, cwd);
  if (result.code !== 0) {
    throw new Error(`${command.join(" ")} failed (${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

const dreamweaver = (runtime: Runtime, ...args: string[]) => spawn([...RUNTIMES[runtime], ...args]);

/** The same without blocking, for a run whose receiver lives in this process. */
async function dreamweaverAsync(runtime: Runtime, ...args: string[]): Promise<Result> {
  const child = Bun.spawn([...RUNTIMES[runtime], ...args], {
    cwd: project,
    env: { ...process.env, NO_COLOR: "1" },
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

beforeAll(() => {
  // `npm pack` builds the package first (prepack); the install takes the dependencies from npm's cache.
  const tarball = succeed(["npm", "pack", "--silent", "--pack-destination", work], ROOT).trim().split("\n").at(-1)!;
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "acme-plugin", private: true, type: "module" }));
  succeed(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball)]);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }), 30_000);

test("the tarball holds the build, the sources, the schema and the license, and nothing of the repository's own", () => {
  const installed = join(project, "node_modules", "dreamweaver");
  for (const file of ["dist/cli/main.js", "dist/index.d.ts", "dist/testing/index.js", "src/index.ts", "LICENSE"]) {
    expect(() => readFileSync(join(installed, file)), file).not.toThrow();
  }
  const schema = JSON.parse(readFileSync(join(installed, "dist", "config.schema.json"), "utf8"));
  expect(schema.required).toEqual(["output", "seed", "services", "templates", "workload"]);
  expect(() => readFileSync(join(installed, "test", "package.test.ts"))).toThrow();
  expect(readFileSync(join(installed, "dist", "cli", "main.js"), "utf8")).toStartWith("#!/usr/bin/env node\n");
});

test("deno.json (JSR) has the package's version and its entry points, from the sources the build starts from", () => {
  const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
  expect(deno.version).toBe(packageJson.version);
  for (const [entry, built] of Object.entries(packageJson.exports)) {
    if (typeof built === "string") continue;
    expect(deno.exports[entry]).toBe(built.default.replace("./dist/", "./src/").replace(/\.js$/, ".ts"));
  }
});

describe.each(Object.keys(RUNTIMES) as Runtime[])("on %s", (runtime) => {
  test("--version, validate, and a short run into the built-in receiver", () => {
    expect(dreamweaver(runtime, "--version").stdout.trim()).toBe(packageJson.version);

    const validate = dreamweaver(runtime, "validate", EXAMPLE);
    expect(validate.stderr).toBe("");
    expect(validate.stdout).toStartWith(`${EXAMPLE}: valid\n`);

    const args = ["run", EXAMPLE, "--sink", "--fast", "--duration", "5s", "--start-time", "2026-01-01T00:00:00Z"];
    const run = dreamweaver(runtime, ...args, "--json");
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.spans).toBeGreaterThan(0);
    expect(summary.failedExports).toBe(0);
    expect(summary.receiver.spans).toBe(summary.spans);
    expect(summary.receiver.violations).toBe(0);
  }, 30_000);
});

test("Node, Bun and Deno write the same bytes to a file: one run, --fast with a start time, on each", () => {
  const args = ["run", EXAMPLE, "--fast", "--duration", "3s", "--start-time", "2026-01-01T00:00:00Z"];
  const written = (Object.keys(RUNTIMES) as Runtime[]).map((runtime) => {
    const file = join(work, `otlp-${runtime}.jsonl`);
    const result = dreamweaver(runtime, ...args, "--exporter", `file:${file}`);
    expect(result.code).toBe(0);
    return readFileSync(file, "utf8");
  });
  expect(written[0]!.split("\n").length).toBeGreaterThan(3);
  expect(written[1]).toBe(written[0]!);
  expect(written[2]).toBe(written[0]!);
}, 30_000);

describe("a third-party plugin in TypeScript", () => {
  const PLUGIN = `import { definePlugin, type MetricHeuristic } from "dreamweaver";
import type { ConformanceOptions } from "dreamweaver/testing";

const lag: MetricHeuristic = {
  description: "consumer lag in seconds, growing with load",
  matches: ({ name }) => name === "acme.queue.lag",
  create: ({ random }) => ({ sample: ({ requests }) => requests * 0.01 * (1 + random.float()) }),
};

export default definePlugin({
  name: "acme",
  placeholders: {
    order_id: ({ random }) => \`ORD-\${random.int(100000, 999999)}\`,
    sku: {
      description: "a product SKU; {acme/sku:books} fixes the category",
      check: (args) => (args.length > 1 ? "takes at most one argument, the category" : undefined),
      generate: ({ random, args }) => \`\${args[0] ?? random.pick(["books", "toys"])}-\${random.hex(6)}\`,
    },
  },
  spanKinds: { lambda: { otlpKind: 2, call: "request", description: "a serverless function invocation" } },
  metricHeuristics: [lag],
});

export const conformance: ConformanceOptions = { metrics: [{ name: "acme.queue.lag", type: "gauge", unit: "s" }] };
`;

  beforeAll(() => {
    writeFileSync(join(project, "acme.ts"), PLUGIN);
    const config = readFileSync(join(project, EXAMPLE), "utf8")
      .replace(/^seed: .*$/m, "$&\nplugins: [./acme.ts]")
      .replace('"User {user_id} logged in from {ip}"', '"order {acme/order_id} of {acme/sku:books}"');
    writeFileSync(join(project, "with-plugin.yaml"), config);
  });

  test("type-checks against the installed declarations with a default `tsc --init` configuration", () => {
    const tsc = join(BIN, "tsc");
    succeed([tsc, "--init"]);
    const result = spawn([tsc, "-p", ".", "--noEmit"]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  // Node 20 runs no TypeScript, so a plugin in .ts is for Bun and Deno (or Node with type stripping).
  for (const runtime of ["bun", "deno"] as const) {
    test(`loads on ${runtime}, importing "dreamweaver" from the installed package`, () => {
      const result = dreamweaver(runtime, "validate", "with-plugin.yaml");
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/^ {2}plugins .*, acme$/m);
    }, 20_000);
  }

  test("passes the conformance suite of `dreamweaver/testing` under `bun test`", () => {
    writeFileSync(
      join(project, "acme.test.ts"),
      `import { test } from "bun:test";
import { checkPlugin } from "dreamweaver/testing";
import acme, { conformance } from "./acme.ts";

test("acme conforms", () => checkPlugin(acme, conformance));
`,
    );
    const result = spawn([process.execPath, "test", "acme.test.ts"]);
    expect(result.stderr).toContain("1 pass");
    expect(result.code).toBe(0);
  }, 20_000);
});

describe("on Node, OTLP over TLS with a private CA", () => {
  let pem = { cert: "", key: "" };

  beforeAll(() => {
    pem = selfSigned(work, "server", "localhost", "IP:127.0.0.1");
  });

  /** Runs the example on Node into `url` with the CA; the summary. */
  async function sendTo(url: string, protocol: string) {
    const config = readFileSync(join(project, EXAMPLE), "utf8").replace(
      /^output:[\s\S]*$/m,
      `output:\n  endpoint: ${url}\n  protocol: ${protocol}\n  tls: { ca_file: ${join(work, "server.crt")} }\n`,
    );
    writeFileSync(join(project, "tls.yaml"), config);
    const result = await dreamweaverAsync("node", "run", "tls.yaml", "--fast", "--duration", "2s", "--json");
    expect(result.stderr).not.toContain("failed");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  }

  test("OTLP/HTTP: every export call arrives", async () => {
    let calls = 0;
    const server = createServer(pem, (request, response) => {
      request.resume().on("end", () => {
        calls++;
        response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const summary = await sendTo(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, "http/protobuf");
      expect(summary.failedExports).toBe(0);
      expect(calls).toBe(summary.exports);
    } finally {
      server.close();
    }
  }, 20_000);

  test("OTLP/gRPC: every export call arrives", async () => {
    let calls = 0;
    const count = () => {
      calls++;
      return {};
    };
    const routes = (router: ConnectRouter) => {
      router.service(TraceService, { export: count });
      router.service(MetricsService, { export: count });
      router.service(LogsService, { export: count });
    };
    const server = createSecureServer(pem, connectNodeAdapter({ routes }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const summary = await sendTo(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, "grpc");
      expect(summary.failedExports).toBe(0);
      expect(calls).toBe(summary.exports);
    } finally {
      server.close();
    }
  }, 20_000);
});
