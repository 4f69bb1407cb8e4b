import { type Plugin, pluginProblems } from "../index.ts";

/** How many failures an error shows; the rest are counted. */
const SHOWN = 30;

/** What `Findings.attempt` returns when the plugin's code threw (the failure is recorded). */
export const THREW: unique symbol = Symbol("threw");

/** A plugin failed conformance: every failure found, one line each, naming the contribution. */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError";

  constructor(readonly plugin: string, readonly failures: readonly string[]) {
    const shown = failures.slice(0, SHOWN).map((failure) => `  - ${failure}`);
    if (failures.length > SHOWN) shown.push(`  … and ${failures.length - SHOWN} more`);
    super(`plugin "${plugin}" does not conform:\n${shown.join("\n")}`);
  }
}

/** The failures of one conformance run, each recorded once however many draws repeat it. */
export class Findings {
  private readonly failures = new Set<string>();

  /** Starts a run on a plugin that loads; one that would not load fails at once with the loader's reasons. */
  constructor(readonly plugin: Plugin) {
    const problems = pluginProblems(plugin);
    if (problems.length > 0) throw new ConformanceError(String(plugin?.name), problems);
  }

  /** Records `failure` unless `ok`, and returns `ok`. */
  expect(ok: boolean, failure: string): boolean {
    if (!ok) this.failures.add(failure);
    return ok;
  }

  /** `body`'s result, or THREW with a failure naming `what` when it throws. */
  attempt<T>(what: string, body: () => T): T | typeof THREW {
    try {
      return body();
    } catch (error) {
      this.threw(what, error);
      return THREW;
    }
  }

  /** Records that `what` threw `error`. */
  threw(what: string, error: unknown): void {
    this.failures.add(`${what} threw: ${error instanceof Error ? error.message : String(error)}`);
  }

  throwIfAny(): void {
    if (this.failures.size > 0) throw new ConformanceError(this.plugin.name, [...this.failures]);
  }
}
