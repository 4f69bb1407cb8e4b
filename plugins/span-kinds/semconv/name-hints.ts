// What a service, template or operation name says about the technology behind it. Names are the only
// hint a config gives, so `orders-postgres`, `session-cache` or `rabbit-publisher` pick the system.

/** Lowercase alphanumeric words of a name: `Orders_Postgres-01` → `orders`, `postgres`, `01`. */
export function words(name: string): string[] {
  return name.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 0);
}

/** A rule: the value applies when any word contains one of `contains`, or equals one of `equals`. */
export interface HintRule<T> {
  readonly value: T;
  readonly contains?: readonly string[];
  readonly equals?: readonly string[];
}

/** The first rule the names match, in rule order, or undefined. */
export function hint<T>(names: readonly string[], rules: readonly HintRule<T>[]): T | undefined {
  const all = names.flatMap(words);
  const matches = (rule: HintRule<T>) =>
    all.some((word) => rule.contains?.some((part) => word.includes(part)) || rule.equals?.includes(word));
  return rules.find(matches)?.value;
}

/**
 * A service name without its technology and role words, e.g. `users-db` → `users`,
 * `orders-postgres` → `orders`; undefined when nothing else is left.
 */
export function stem(name: string, noise: ReadonlySet<string>): string | undefined {
  const kept = words(name).filter((word) => !noise.has(word) && !/^\d+$/.test(word));
  return kept.length > 0 ? kept.join("_") : undefined;
}

/** `compute-price` → `computePrice`; `Apply Discounts` → `applyDiscounts`. */
export function camelCase(text: string): string {
  const [first = "", ...rest] = words(text);
  return first + rest.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}

/** `pricing-engine` → `PricingEngine`. */
export function pascalCase(text: string): string {
  return words(text).map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}
