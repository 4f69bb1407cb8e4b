import { describe, expect, test } from "bun:test";
import { compileOperation } from "../src/engine/operation.ts";
import { hashSeed, requestRandom } from "../src/engine/seed.ts";
import { createMultiExporter } from "../src/export/multi-exporter.ts";
import { RETRY_POLICY, retryDelayMs } from "../src/export/retry.ts";
import {
  definePlugin,
  DreamweaverError,
  type Exporter,
  type ExporterFactory,
  type ExportRequest,
  OtlpSpanKind,
} from "../src/index.ts";
import { boundExporter, closeExporters, createExporter, isPluginCrash } from "../src/plugin-host/driver.ts";
import { EXIT_STATUS } from "../src/plugin-host/messages.ts";
import { Registry } from "../src/plugin-host/registry.ts";

const OPTIONS = { url: "http://127.0.0.1:4317", tls: false, timeoutMs: 1000 };
const REQUEST: ExportRequest = { signal: "traces", resources: [], items: 1, bytes: 10 };
const signal = new AbortController().signal;

/** The `acme/kafka` exporter of a third-party plugin `acme`, as a config or `--exporter` resolves it. */
function kafka(factory: (options: unknown) => unknown) {
  const registry = new Registry([{
    plugin: definePlugin({ name: "acme", exporters: { kafka: factory as ExporterFactory } }),
    builtin: false,
  }]);
  return registry.exporters.get("acme/kafka")!;
}

/** What the CLI prints for an error: its lines, without a stack, as a DreamweaverError is printed. */
function printed(error: unknown): { code: string; lines: string[] } {
  expect(error).toBeInstanceOf(DreamweaverError);
  return { code: (error as DreamweaverError).code, lines: (error as DreamweaverError).lines() };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => expect.unreachable("should have failed"), (error: unknown) => error);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.unreachable("should have thrown");
}

describe("a third-party exporter that misbehaves is named in one line", () => {
  test("its factory throws", () => {
    const contribution = kafka(() => {
      throw new Error("no brokers configured\n    at connect (kafka.ts:3:9)");
    });
    expect(printed(thrown(() => createExporter(contribution, OPTIONS)))).toEqual({
      code: "PLUGIN_FAILED",
      lines: ['plugin "acme": exporter "acme/kafka" factory failed: no brokers configured'],
    });
    expect(EXIT_STATUS.PLUGIN_FAILED).toBe(1);
  });

  test("its factory returns no exporter", () => {
    const contribution = kafka(() => undefined);
    expect(printed(thrown(() => createExporter(contribution, OPTIONS))).lines).toEqual([
      'plugin "acme": exporter "acme/kafka" factory failed: it returned no object with an export() method',
    ]);
  });

  test("its export() throws synchronously", async () => {
    const exporter = createExporter(
      kafka(() => ({
        export() {
          throw new TypeError("boom");
        },
        close: () => Promise.resolve(),
      })),
      OPTIONS,
    );
    expect(printed(await rejection(exporter.export(REQUEST, signal)))).toEqual({
      code: "PLUGIN_FAILED",
      lines: ['plugin "acme": exporter "acme/kafka" export() failed: boom'],
    });
  });

  test("it has no close(): nothing to close", async () => {
    const exporter = createExporter(kafka(() => ({ export: () => Promise.resolve({ rejected: 0 }) })), OPTIONS);
    expect(await exporter.export(REQUEST, signal)).toEqual({ rejected: 0 });
    expect(await closeExporters([exporter])).toEqual([]);
  });

  test("its close() rejects, or throws", async () => {
    const rejects = createExporter(
      kafka(() => ({ export: () => Promise.resolve({ rejected: 0 }), close: () => Promise.reject("broker gone") })),
      OPTIONS,
    );
    const throws = createExporter(
      kafka(() => ({
        export: () => Promise.resolve({ rejected: 0 }),
        close() {
          throw new Error("not open");
        },
      })),
      OPTIONS,
    );
    const errors = await closeExporters([rejects, throws]);
    expect(errors.map((error) => printed(error).lines)).toEqual([
      ['plugin "acme": exporter "acme/kafka" close() failed: not open'],
      ['plugin "acme": exporter "acme/kafka" close() failed: broker gone'],
    ]);
  });
});

test("an export rejection is named and still retried as the exporter asked", async () => {
  const exporter = createExporter(
    kafka(() => ({
      export: () =>
        Promise.reject(Object.assign(new Error("leader not available"), { retryable: true, retryAfterMs: 250 })),
      close: () => Promise.resolve(),
    })),
    OPTIONS,
  );
  const error = await rejection(exporter.export(REQUEST, signal));
  expect(error).toMatchObject({
    code: "PLUGIN_FAILED",
    message: 'plugin "acme": exporter "acme/kafka" export() failed: leader not available',
    retryable: true,
    retryAfterMs: 250,
  });
  expect(retryDelayMs(error, 1, 0, RETRY_POLICY, 0.5)).toBe(250);
  const plain = createExporter(kafka(() => ({ export: () => Promise.reject(new Error("bad request")) })), OPTIONS);
  expect(retryDelayMs(await rejection(plain.export(REQUEST, signal)), 1, 0, RETRY_POLICY, 0.5)).toBeUndefined();
});

test("a DreamweaverError from a plugin passes through as it is", async () => {
  const own = new DreamweaverError("EXPORT_FAILED", 'cannot write to "out.jsonl": permission denied');
  const exporter = createExporter(kafka(() => ({ export: () => Promise.reject(own) })), OPTIONS);
  expect(await rejection(exporter.export(REQUEST, signal))).toBe(own);
  expect(DreamweaverError.from(own, { code: "PLUGIN_FAILED", what: "ignored" })).toBe(own);
});

test("exporters close in reverse order, every one even after a failure", async () => {
  const closed: string[] = [];
  const member = (name: string, fail = false): Exporter => ({
    export: () => Promise.resolve({ rejected: 0 }),
    close: () => {
      closed.push(name);
      return fail ? Promise.reject(new Error(`${name} stuck`)) : Promise.resolve();
    },
  });
  const errors = await closeExporters([member("a", true), member("b"), member("c", true)]);
  expect(closed).toEqual(["c", "b", "a"]);
  expect(errors.map((e) => e.message)).toEqual([
    "closing an exporter failed: c stuck",
    "closing an exporter failed: a stuck",
  ]);

  closed.length = 0;
  const multi = createMultiExporter([
    { name: "a", exporter: member("a", true) },
    { name: "b", exporter: member("b") },
    { name: "c", exporter: member("c", true) },
  ]);
  expect(await rejection(multi.close())).toMatchObject({
    code: "PLUGIN_FAILED",
    message: "closing an exporter failed: c stuck; closing an exporter failed: a stuck",
  });
  expect(closed).toEqual(["c", "b", "a"]);
});

test("a span kind and a metric heuristic that throw are named with what they were doing", () => {
  const registry = new Registry([{
    plugin: definePlugin({
      name: "acme",
      spanKinds: {
        lambda: {
          otlpKind: OtlpSpanKind.SERVER,
          call: "request",
          operation: ({ operation }) => ({
            name: operation,
            callerName: operation,
            describe() {
              throw new Error("cold start");
            },
          }),
        },
      },
      metricHeuristics: [{
        matches: () => true,
        create: () => ({
          sample() {
            throw new Error("no data");
          },
        }),
      }],
    }),
    builtin: false,
  }]);
  const model = compileOperation(registry.spanKinds.get("acme/lambda")!, {
    operation: "invoke",
    service: "fn",
    template: "fn",
  });
  expect(printed(thrown(() => model.describe(requestRandom(hashSeed("x"), 0), false))).lines).toEqual([
    'plugin "acme": span kind "acme/lambda" describe() of "invoke" (templates.fn) failed: cold start',
  ]);
  const heuristic = registry.metricHeuristics[0]!.value;
  const metric = heuristic.create({ random: requestRandom(hashSeed("x"), 1), name: "queue.depth", unit: "1" });
  expect(printed(thrown(() => metric.sample({ timeUs: 0, intervalUs: 1, requests: 0, busyUs: 0 }))).lines).toEqual([
    'plugin "acme": metricHeuristics[0] sample of "queue.depth" failed: no data',
  ]);
});

test("DreamweaverError.from keeps one line of anything thrown, and the thrown value as its cause", () => {
  const error = DreamweaverError.from("bad\nworse", { code: "USAGE", what: "doing it failed" });
  expect(error.message).toBe("doing it failed: bad");
  expect(error.cause).toBe("bad\nworse");
  expect(DreamweaverError.from(new RangeError(""), { code: "USAGE" }).message).toBe("RangeError");
});

describe("every exporter call ends in its time, whatever the exporter does", () => {
  const hangs = () => new Promise<never>(() => {});
  const bounded = (exporter: Partial<Exporter>) =>
    createExporter(kafka(() => exporter), { ...OPTIONS, timeoutMs: 50 }, { closeMs: 50 });

  test("an export() that never settles fails after its timeout, retryably, as one that may have arrived", async () => {
    let aborted = false;
    const exporter = bounded({
      export: (_request, callSignal) => {
        callSignal.addEventListener("abort", () => (aborted = true));
        return hangs();
      },
    });
    const error = await rejection(exporter.export(REQUEST, signal));
    expect(error).toMatchObject({
      code: "PLUGIN_FAILED",
      message: 'plugin "acme": exporter "acme/kafka" export() did not finish within 0.05s',
      retryable: true,
      mayHaveArrived: true,
    });
    // The exporter was told, through its signal, and the run does not stop for a timeout.
    expect(aborted).toBe(true);
    expect(isPluginCrash(error)).toBe(false);
  });

  test("the run's abort ends a call at once, even one that ignores its signal", async () => {
    const exporter = createExporter(kafka(() => ({ export: hangs })), OPTIONS);
    const run = new AbortController();
    const call = rejection(exporter.export(REQUEST, run.signal));
    run.abort();
    expect(await call).toMatchObject({
      message: 'plugin "acme": exporter "acme/kafka" export() had no answer yet when the run shut down',
      mayHaveArrived: true,
    });
  });

  test("a close() that never settles fails after the shutdown budget", async () => {
    const exporter = bounded({ export: () => Promise.resolve({ rejected: 0 }), close: hangs });
    expect((await closeExporters([exporter])).map((error) => error.message)).toEqual([
      'plugin "acme": exporter "acme/kafka" close() did not finish within 0.05s',
    ]);
  });

  test("an exporter handed to the run is bounded too, and its errors pass as they are", async () => {
    const own = Object.assign(new Error("http://x: unavailable"), { retryable: true });
    const given = boundExporter({ export: () => Promise.reject(own), close: hangs }, { what: "exporter 1" }, {
      exportMs: 50,
      closeMs: 50,
    });
    expect(await rejection(given.export(REQUEST, signal))).toBe(own);
    expect(await rejection(given.close())).toMatchObject({ message: "exporter 1 close() did not finish within 0.05s" });
  });
});

test("only a plugin's error that says nothing about retrying is a crash that ends the run", async () => {
  const failing = (error: unknown) => createExporter(kafka(() => ({ export: () => Promise.reject(error) })), OPTIONS);
  expect(isPluginCrash(await rejection(failing(new TypeError("x is undefined")).export(REQUEST, signal)))).toBe(true);
  const delivery = Object.assign(new Error("broker refused"), { retryable: false });
  expect(isPluginCrash(await rejection(failing(delivery).export(REQUEST, signal)))).toBe(false);
  expect(isPluginCrash(new Error("http://x: unavailable"))).toBe(false);
});
