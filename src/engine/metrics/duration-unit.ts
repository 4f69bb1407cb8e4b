/**
 * Span durations are microseconds; a duration metric reports them in its own unit. Semantic conventions
 * use seconds; the seed's examples use ms, which stays the default for a unit-less duration metric.
 */
const MICROSECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 0.001,
  us: 1,
  "µs": 1,
  ms: 1000,
  s: 1_000_000,
  min: 60_000_000,
  "": 1000,
};

/** Microseconds in one `unit`, or undefined when the unit is not a time unit. */
export function microsecondsPer(unit: string): number | undefined {
  return MICROSECONDS_PER_UNIT[unit];
}

/** Bucket boundaries the semantic conventions advise for request durations, in seconds. */
const DURATION_BOUNDS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The advised duration boundaries expressed in `unit` (e.g. 5, 10, 25 ... 10000 for ms). */
export function durationBounds(unit: string): number[] {
  const scale = 1_000_000 / (microsecondsPer(unit) ?? 1000);
  // Rounded to 12 significant digits so 0.005 s is 5 ms exactly, not 5.000000000000001.
  return DURATION_BOUNDS_SECONDS.map((bound) => Number((bound * scale).toPrecision(12)));
}
