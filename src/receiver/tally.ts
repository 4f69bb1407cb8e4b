/**
 * Counts problems by kind and keeps the first few examples of each (trace ids, metric streams), so a
 * report can point at real data instead of only saying how many.
 */
export class Tally<K extends string> {
  readonly #counts: Map<K, number>;
  readonly #examples = new Map<K, string[]>();

  constructor(kinds: readonly K[], readonly maxExamples = 3) {
    this.#counts = new Map(kinds.map((kind) => [kind, 0]));
  }

  add(kind: K, example: string, count = 1): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + count);
    const examples = this.#examples.get(kind) ?? [];
    if (examples.length < this.maxExamples && !examples.includes(example)) examples.push(example);
    this.#examples.set(kind, examples);
  }

  counts(): Record<K, number> {
    return Object.fromEntries(this.#counts) as Record<K, number>;
  }

  examples(): Partial<Record<K, string[]>> {
    return Object.fromEntries([...this.#examples].map(([kind, examples]) => [kind, [...examples]])) as Partial<
      Record<K, string[]>
    >;
  }

  total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }
}
