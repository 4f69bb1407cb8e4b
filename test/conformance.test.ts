// The conformance suites of `dreamweaver/testing` catch what they promise to catch: each plugin below
// breaks one rule, and the suite for its kind names the contribution and the rule.
import { describe, expect, test } from "bun:test";
import acme from "../examples/plugins/acme.ts";
import {
  type CallShape,
  definePlugin,
  type Exporter,
  type MetricHeuristic,
  type OperationModel,
  type Plugin,
} from "../src/index.ts";
import {
  checkExporters,
  checkMetricHeuristics,
  checkPlaceholders,
  checkPlugin,
  checkSpanKinds,
  ConformanceError,
  type MetricDescriptor,
} from "../src/testing/index.ts";

/** The failures a check reports for `plugin`, or [] when it passes. */
async function failures(check: (plugin: Plugin) => unknown, plugin: Plugin): Promise<readonly string[]> {
  try {
    await check(plugin);
    return [];
  } catch (error) {
    if (!(error instanceof ConformanceError)) throw error;
    return error.failures;
  }
}

test("a plugin that would not load fails every suite with the loader's reasons", async () => {
  const broken = { name: "Bad Name" } as Plugin;
  for (const check of [checkPlaceholders, checkSpanKinds, checkMetricHeuristics, checkExporters, checkPlugin]) {
    expect(await failures(check, broken)).toEqual([`plugin name "Bad Name" must be lowercase kebab-case, e.g. "acme"`]);
  }
});

test("the example plugin passes every suite", async () => {
  await checkPlugin(acme);
});

describe("placeholders", () => {
  const check = (placeholders: Plugin["placeholders"]) =>
    failures(checkPlaceholders, definePlugin({ name: "p", placeholders }));

  test("text out, from the context's randomness only, reproducibly", async () => {
    let calls = 0;
    expect(
      await check({
        number: () => 42 as unknown as string,
        ambient: () => String(Math.random()),
        counter: () => String(calls++),
        fine: ({ random }) => random.hex(4),
      }),
    ).toEqual([
      "placeholders.number {number} must return text",
      "placeholders.number {number} in a log must return text",
      "placeholders.ambient {ambient} threw: Math.random is not allowed in a plugin; use the context's random",
      "placeholders.ambient {ambient} in a log threw: Math.random is not allowed in a plugin; use the context's random",
      "placeholders.counter {counter} must be reproducible from its random",
      "placeholders.counter {counter} in a log must be reproducible from its random",
    ]);
  });

  test("the uses a description shows must pass check; one that needs arguments must show one", async () => {
    const range = (args: readonly string[]) => (args.length === 2 ? undefined : "takes min and max");
    expect(
      await check({
        shown: { description: "e.g. {shown:1:9}", check: range, generate: ({ args }) => args.join("-") },
        wrong: { description: "e.g. {wrong:1}", check: range, generate: () => "" },
        hidden: { description: "a range", check: range, generate: () => "" },
        bare: { description: "e.g. {bare:x}", generate: () => "" },
      }),
    ).toEqual([
      "placeholders.wrong: its description shows {wrong:1}: takes min and max",
      "placeholders.wrong: takes arguments; show a use in its description, e.g. {wrong:…}",
      "placeholders.hidden: takes arguments; show a use in its description, e.g. {hidden:…}",
      "placeholders.bare: its description shows {bare:x}: takes no arguments (it has no check)",
    ]);
  });
});

describe("span kinds", () => {
  const operations = [{ operation: "GET /x", service: "web", template: "web" }];
  const check = (describe: (failed: boolean) => ReturnType<OperationModel["describe"]>, call: CallShape = "request") =>
    failures(
      (plugin) => checkSpanKinds(plugin, operations),
      definePlugin({
        name: "k",
        spanKinds: {
          lambda: {
            otlpKind: 2,
            call,
            operation: () => ({ name: "GET /x", callerName: "GET", describe: (_, failed) => describe(failed) }),
          },
        },
      }),
    );
  const errorType = { key: "error.type", value: { string: "500" } };
  const exception = { type: "Error", message: "boom" };

  test("a description that agrees with failed passes", async () => {
    const agreeing = (failed: boolean) => ({
      attributes: failed ? [errorType] : [],
      callerAttributes: failed ? [errorType] : [],
      callerFailed: failed,
      ...(failed && { exception }),
    });
    expect(await check(agreeing)).toEqual([]);
  });

  test("error.type, the exception and the caller's side must agree with failed; no key twice", async () => {
    const where = 'spanKinds.lambda "GET /x"';
    expect(
      await check((failed) => ({
        attributes: [errorType, errorType],
        callerAttributes: [],
        callerFailed: false,
        ...(failed && { exception }),
      })),
    ).toEqual([
      `${where}, failed=false: error.type must be set exactly when failed`,
      `${where}, failed=false: attributes must be keyed values, no key twice`,
      `${where}, failed=true: attributes must be keyed values, no key twice`,
      `${where}, failed=true: a failed request must fail its caller (callerFailed)`,
    ]);
  });

  test("describe draws from its random only", async () => {
    const where = 'spanKinds.lambda "GET /x"';
    const ambient = () => ({ attributes: [], callerAttributes: [], callerFailed: Date.now() < 0 });
    expect(await check(ambient, "direct")).toEqual([
      `${where}, failed=false: describe() threw: Date.now is not allowed in a plugin; use the context's random`,
      `${where}, failed=true: describe() threw: Date.now is not allowed in a plugin; use the context's random`,
    ]);
  });
});

describe("metric heuristics", () => {
  const check = (heuristic: MetricHeuristic, metrics: MetricDescriptor[] = []) =>
    failures(
      (plugin) => checkMetricHeuristics(plugin, metrics),
      definePlugin({ name: "m", metricHeuristics: [heuristic] }),
    );
  const lag = { name: "acme.queue.lag", type: "gauge", unit: "s" };

  test("a heuristic must model a metric it is shown; pass it its own", async () => {
    const lagOnly: MetricHeuristic = {
      matches: ({ name }) => name === lag.name,
      create: ({ random }) => ({ sample: ({ requests }) => requests * random.float() }),
    };
    expect((await check(lagOnly))[0]).toStartWith("metricHeuristics[0] matches none of process.cpu.utilization,");
    expect(await check(lagOnly, [lag])).toEqual([]);
  });

  test("finite numbers, reproducibly, without a clock", async () => {
    let drift = 0;
    const shown = [lag];
    expect(
      await check({ matches: () => true, create: () => ({ sample: ({ busyUs }) => busyUs / 0 - 1 }) }, shown),
    ).toContain("metricHeuristics[0] on acme.queue.lag: every sample must be a finite number");
    expect(await check({ matches: () => true, create: () => ({ sample: () => drift++ }) }, shown)).toContain(
      "metricHeuristics[0] on acme.queue.lag: must be reproducible from its random",
    );
    expect(await check({ matches: () => true, create: () => ({ sample: () => Date.now() }) }, shown)).toContain(
      "metricHeuristics[0] on acme.queue.lag threw: Date.now is not allowed in a plugin; use the context's random",
    );
  });
});

describe("exporters", () => {
  const check = (exporter: Partial<Exporter> | undefined) =>
    failures(checkExporters, definePlugin({ name: "e", exporters: { out: () => exporter as Exporter } }));

  test("a working exporter passes", async () => {
    expect(await check({ export: () => Promise.resolve({ rejected: 0 }), close: () => Promise.resolve() })).toEqual([]);
  });

  test("results, errors and close as the pipeline reads them", async () => {
    expect(await check(undefined)).toEqual(["exporters.out(options) must return { export(request, signal), close() }"]);
    expect(
      await check({
        export: (request) =>
          request.signal === "traces"
            ? Promise.resolve({ rejected: -1 })
            : request.signal === "metrics"
            ? Promise.reject("unavailable")
            : Promise.reject(Object.assign(new Error("down"), { retryable: "yes", retryAfterMs: -5 })),
        close: () => Promise.reject(new Error("already closed")),
      }),
    ).toEqual([
      "exporters.out export of traces: must resolve with { rejected }, a whole number up to the items sent",
      "exporters.out export of metrics: must reject with an Error, not unavailable",
      "exporters.out export of logs: retryable must be a boolean",
      "exporters.out export of logs: retryAfterMs must be a number of milliseconds",
      "exporters.out close() threw: already closed",
    ]);
  });
});
