import { expect } from "bun:test";
import type { Plugin } from "../../src/index.ts";
import { Registry } from "../../src/registry.ts";
import { hashSeed, requestRandom } from "../../src/seed.ts";

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
