// `workload.shape`: how the request rate changes over the run, in the forms load-testing users know
// (k6 stages, motel's diurnal and bursty patterns). Parsed here into plain data; src/engine/rate-curve.ts
// turns it into the arrival schedule.
import { isRecord } from "./raw-values.ts";
import { parseDuration, parseRate } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

/** A rate over time, in requests per second; inside `product`, later terms are plain factors. */
export type LoadShape =
  | { readonly kind: "constant"; readonly rate: number }
  | { readonly kind: "ramp"; readonly from: number; readonly to: number; readonly overSeconds: number }
  | { readonly kind: "steps"; readonly steps: readonly { readonly rate: number; readonly forSeconds: number }[] }
  | {
    readonly kind: "diurnal";
    readonly min: number;
    readonly max: number;
    readonly periodSeconds: number;
    /** When the peak comes: seconds after the run's start, or a UTC time of day. */
    readonly peak: { readonly afterStartSeconds: number } | { readonly utcSecondOfDay: number };
  }
  | {
    readonly kind: "bursts";
    readonly base: number;
    readonly peak: number;
    readonly everySeconds: number;
    readonly forSeconds: number;
    /** The first burst starts this long after the run's start (default: one `every`). */
    readonly firstSeconds: number;
  }
  | { readonly kind: "sum" | "product"; readonly terms: readonly LoadShape[] };

export const SHAPE_KINDS = ["ramp", "steps", "diurnal", "bursts", "sum", "product"] as const;

type Report = (path: readonly PathSegment[], message: string) => void;

/**
 * Parses a `workload.shape` value (its structure already checked by the schema). Rates are `<n>/<s|m|h>`
 * or plain numbers, which is how factors inside `product` are written. Returns undefined after reporting.
 */
export function parseLoadShape(raw: unknown, path: readonly PathSegment[], report: Report): LoadShape | undefined {
  if (!isRecord(raw)) {
    report(path, `a shape is one of ${SHAPE_KINDS.join(", ")}, e.g. { ramp: { from: 10/s, to: 100/s, over: 5m } }`);
    return undefined;
  }
  const entries = Object.entries(raw);
  if (entries.length !== 1 || !(SHAPE_KINDS as readonly string[]).includes(entries[0]![0])) {
    report(
      path,
      `a shape has exactly one of ${SHAPE_KINDS.join(", ")} (found ${entries.map(([k]) => k).join(", ") || "none"})`,
    );
    return undefined;
  }
  const [kind, body] = entries[0] as [(typeof SHAPE_KINDS)[number], unknown];
  const at = [...path, kind];
  const field = fieldReader(body, at, report);
  switch (kind) {
    case "ramp": {
      const [from, to, over] = [field.rate("from"), field.rate("to"), field.duration("over")];
      return from === undefined || to === undefined || over === undefined
        ? undefined
        : { kind, from, to, overSeconds: over };
    }
    case "steps": {
      if (!Array.isArray(body) || body.length === 0) {
        return void report(at, "a list of { rate, for } steps, at least one");
      }
      const steps = body.map((step, i) => {
        const stepField = fieldReader(step, [...at, i], report);
        const [rate, forSeconds] = [stepField.rate("rate"), stepField.duration("for")];
        return rate === undefined || forSeconds === undefined ? undefined : { rate, forSeconds };
      });
      return steps.every((s) => s !== undefined) ? { kind, steps } : undefined;
    }
    case "diurnal": {
      const [min, max, period] = [field.rate("min"), field.rate("max"), field.duration("period", "24h")];
      const peak = field.peak("peak");
      if (min !== undefined && max !== undefined && max < min) report([...at, "max"], "max must be at least min");
      return min === undefined || max === undefined || period === undefined || peak === undefined || max < min
        ? undefined
        : { kind, min, max, periodSeconds: period, peak };
    }
    case "bursts": {
      const [base, peak, every, forSeconds] = [
        field.rate("base"),
        field.rate("peak"),
        field.duration("every"),
        field.duration("for"),
      ];
      const first = field.optionalDuration("first") ?? every;
      if (every !== undefined && forSeconds !== undefined && forSeconds >= every) {
        report([...at, "for"], "a burst must be shorter than the time between bursts (every)");
        return undefined;
      }
      return base === undefined || peak === undefined || every === undefined || forSeconds === undefined ||
          first === undefined
        ? undefined
        : { kind, base, peak, everySeconds: every, forSeconds, firstSeconds: first };
    }
    case "sum":
    case "product": {
      if (!Array.isArray(body) || body.length < 2) {
        return void report(at, `a list of at least two shapes to ${kind === "sum" ? "add" : "multiply"}`);
      }
      const terms = body.map((term, i) => parseLoadShape(term, [...at, i], report));
      return terms.every((t) => t !== undefined) ? { kind, terms } : undefined;
    }
  }
}

/** Reads typed fields of one shape's body, reporting each bad or missing one at its own path. */
function fieldReader(body: unknown, at: readonly PathSegment[], report: Report) {
  const isMapping = isRecord(body);
  const record = (isMapping ? body : {}) as Record<string, unknown>;
  let reported = isMapping;
  const get = (key: string, fallback?: string): unknown => {
    // Only the shapes that read fields need a mapping (steps, sum and product are lists): say so once.
    if (!reported) report(at, "expected a mapping of the shape's fields");
    reported = true;
    return record[key] ?? fallback;
  };
  return {
    rate(key: string): number | undefined {
      const value = get(key);
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
      if (typeof value === "string") {
        const parsed = parseRate(value);
        if (parsed.ok) return parsed.value;
        return void report([...at, key], parsed.message);
      }
      return void report(
        [...at, key],
        value === undefined ? `missing ${key}: a rate such as 10/s` : "a rate such as 10/s, or a number",
      );
    },
    duration(key: string, fallback?: string, minimum: "positive" | "zero" = "positive"): number | undefined {
      const value = get(key, fallback);
      if (typeof value !== "string") {
        const what = value === undefined ? `missing ${key}: a duration` : `must be a duration`;
        return void report([...at, key], `${what} such as 5m`);
      }
      const parsed = parseDuration(value);
      if (parsed.ok && (parsed.value > 0 || minimum === "zero")) return parsed.value;
      return void report([...at, key], parsed.ok ? "must be longer than zero" : parsed.message);
    },
    optionalDuration(key: string): number | undefined {
      return record[key] === undefined ? undefined : this.duration(key, undefined, "zero");
    },
    peak(key: string) {
      const value = get(key, "0s");
      const clock = typeof value === "string" ? /^(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
      if (clock && Number(clock[1]) < 24 && Number(clock[2]) < 60) {
        return { utcSecondOfDay: Number(clock[1]) * 3600 + Number(clock[2]) * 60 };
      }
      const parsed = typeof value === "string" ? parseDuration(value) : undefined;
      if (parsed?.ok) return { afterStartSeconds: parsed.value };
      const expected = 'a UTC time of day such as "14:00" or a duration after the start such as 6h';
      return void report(
        [...at, key],
        typeof value === "string"
          ? `"${value}" is neither ${expected.replace(" or ", " nor ")}`
          : `must be ${expected}`,
      );
    },
  };
}
