import { expect } from "bun:test";
import type { DescribedCall, KeyValue, OperationContext, Plugin } from "../../src/index.ts";
import { Registry } from "../../src/plugin-host/registry.ts";
import { hashSeed, requestRandom } from "../../src/engine/seed.ts";

/**
 * The checks every plugin passes, built-in or third-party: its shape is accepted by the registry, and
 * each contribution behaves. Call it from a test with the plugin module's default export.
 */
export function checkPlugin(plugin: Plugin): void {
  expect(() => new Registry([{ plugin, builtin: false }])).not.toThrow();
  checkPlaceholders(plugin);
  checkSpanKinds(plugin);
  checkMetricTypes(plugin);
}

/**
 * Placeholders: text out, reproducible from the request's randomness, and no hidden randomness or
 * clock (Math.random and Date.now throw while they run).
 */
export function checkPlaceholders(plugin: Plugin): void {
  const registry = new Registry([{ plugin, builtin: false }]);
  for (const [name, { value }] of registry.placeholders) {
    const args: string[] = [];
    const draw = (i: number) => {
      const random = requestRandom(hashSeed("conformance"), i);
      return Array.from({ length: 20 }, () => withoutAmbientSources(() => value.generate({ random, args })));
    };
    const first = draw(1);
    for (const text of first) expect(typeof text, `{${name}} must return text`).toBe("string");
    expect(draw(1), `{${name}} must be reproducible from its random source`).toEqual(first);
  }
}

/** Span kinds: an OTLP kind and a call shape the engine knows. */
export function checkSpanKinds(plugin: Plugin): void {
  for (const [name, kind] of Object.entries(plugin.spanKinds ?? {})) {
    expect([1, 2, 3, 4, 5], `span kind ${name}`).toContain(kind.otlpKind);
    expect(["request", "message", "direct"], `span kind ${name}`).toContain(kind.call);
  }
}

/** Metric types: one of the OTLP data kinds the aggregator builds. */
export function checkMetricTypes(plugin: Plugin): void {
  for (const [name, metricType] of Object.entries(plugin.metricTypes ?? {})) {
    expect(["sum", "gauge", "histogram"], `metric type ${name}`).toContain(metricType.data);
  }
}

/**
 * Span kinds that compile operations: for each operation, names are set, and every description agrees
 * with the engine's `failed` (`error.type` and an exception exactly when it failed; a failed synchronous
 * call fails its caller, whose `error.type` matches `callerFailed`), is reproducible from its random
 * source, and repeats no attribute key. Call it with operations the plugin's users would write.
 */
export function checkOperations(plugin: Plugin, operations: readonly OperationContext[]): void {
  const hasErrorType = (attributes: readonly KeyValue[]) => attributes.some((a) => a.key === "error.type");
  for (const [name, kind] of Object.entries(plugin.spanKinds ?? {})) {
    if (!kind.operation) continue;
    for (const context of operations) {
      const where = `span kind ${name}, operation "${context.operation}"`;
      const model = withoutAmbientSources(() => kind.operation!(context));
      expect(model.name.length, `${where}: name`).toBeGreaterThan(0);
      expect(model.callerName.length, `${where}: callerName`).toBeGreaterThan(0);
      for (const key of model.metricAttributes ?? []) expect(typeof key, `${where}: metricAttributes`).toBe("string");
      for (const failed of [false, true]) {
        const draw = (i: number): DescribedCall =>
          withoutAmbientSources(() => model.describe(requestRandom(hashSeed("conformance"), i), failed));
        for (let i = 0; i < 200; i++) {
          const call = draw(i);
          const at = `${where}, failed=${failed}, draw ${i}`;
          expect(hasErrorType(call.attributes), `${at}: error.type iff failed`).toBe(failed);
          expect(call.exception !== undefined, `${at}: exception iff failed`).toBe(failed);
          const keys = call.attributes.map((a) => a.key);
          expect(new Set(keys).size, `${at}: repeated attribute keys ${keys}`).toBe(keys.length);
          if (kind.call === "request") {
            if (failed) expect(call.callerFailed, `${at}: a failed request fails its caller`).toBe(true);
            expect(hasErrorType(call.callerAttributes), `${at}: caller error.type iff callerFailed`).toBe(
              call.callerFailed,
            );
          }
          if (i < 5) expect(draw(i), `${at}: reproducible from its random source`).toEqual(call);
        }
      }
    }
  }
}

function withoutAmbientSources<T>(run: () => T): T {
  const { random } = Math;
  const { now } = Date;
  const forbidden = (what: string) => () => {
    throw new Error(`${what} is not allowed in a plugin; use the context's random`);
  };
  Math.random = forbidden("Math.random");
  Date.now = forbidden("Date.now");
  try {
    return run();
  } finally {
    Math.random = random;
    Date.now = now;
  }
}
