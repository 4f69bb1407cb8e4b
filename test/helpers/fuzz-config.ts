// One case of the config fuzz test: an example config damaged at random (seeded), taken through
// everything `validate` does, and for some of the survivors through a short run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { builtinPlugins } from "../../plugins/index.ts";
import { checkRunnable } from "../../src/cli/check-runnable.ts";
import { formatTimeline } from "../../src/cli/format-timeline.ts";
import { readTextFile } from "../../src/cli/host.ts";
import { describeSettings, formatDescription } from "../../src/config/describe-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";
import { explainRequests } from "../../src/engine/explain.ts";
import { DreamweaverError } from "../../src/plugin-host/errors.ts";
import { ROOT } from "./cli.ts";
import { FuzzRandom, mutateData, mutateText } from "./fuzz.ts";
import { captureExports, FIXED_START_US, runFast } from "./run.ts";

const SEED = 20_260_101;
const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((name) => name.endsWith(".yaml")).sort();

/** Each example's text and parsed data, read once: a case starts from a copy. */
const examples = EXAMPLES.map((name) => {
  const text = readFileSync(join(ROOT, "examples", name), "utf8");
  return { file: join(ROOT, "examples", name), text, data: parse(text) as unknown };
});

/**
 * The config text of case `i`: an example with one or two structural mutations (of its data, written out
 * as YAML again), one or two of its text (YAML syntax damage), or both.
 */
export function mutatedExample(i: number): { file: string; text: string } {
  const random = new FuzzRandom(SEED + i);
  const example = random.pick(examples);
  let text = example.text;
  // Half the cases change only the data (most stay valid, so planning and generating get exercised too),
  // a third only the text, the rest both.
  const kind = random.next();
  if (kind < 0.67) {
    const data = structuredClone(example.data);
    for (let round = 1 + random.int(2); round > 0; round--) mutateData(data, random);
    text = stringify(data);
  }
  if (kind >= 0.5) {
    for (let round = 1 + random.int(2); round > 0; round--) text = mutateText(text, random);
  }
  return { file: example.file, text };
}

/** What one case came to: valid (and how far it was exercised) or the lines of its error. */
export type Outcome = { valid: true } | { valid: false; lines: string[] } | { crash: string };

export async function runCase(i: number, sampled: boolean): Promise<Outcome> {
  const { file, text } = mutatedExample(i);
  const readText = (path: string, what: string) => path === file ? Promise.resolve(text) : readTextFile(path, what);
  try {
    const settings = await resolveSettings({ file, builtins: builtinPlugins, readText, cwd: ROOT, flags: {} });
    const plan = await checkRunnable(settings, FIXED_START_US);
    formatDescription(describeSettings(settings));
    formatTimeline(settings, plan.curve);
    if (sampled) {
      explainRequests(plan, [0, 1, 2].filter((index) => index < plan.totalRequests), FIXED_START_US);
      const captured = captureExports(settings);
      const summary = await runFast(settings, { requests: 5, exporter: "capture" });
      if (summary.failedExports > 0 || captured.length === 0) return { crash: `run: ${summary.lastError}` };
    }
    return { valid: true };
  } catch (error) {
    if (!(error instanceof DreamweaverError)) {
      return { crash: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) };
    }
    return { valid: false, lines: error.lines() };
  }
}

/** What a run of cases came to. */
export interface FuzzResult {
  valid: number;
  /** Cases that threw something other than a DreamweaverError. */
  crashes: string[];
  /** Cases whose error lines are not clean. */
  messes: string[];
}

/** Runs cases `from`, `from + step`, ... below `to`, calling `onCase` before each (a hang names its case). */
export async function runCases(
  from: number,
  to: number,
  step: number,
  onCase: (i: number) => void = () => {},
): Promise<FuzzResult> {
  const result: FuzzResult = { valid: 0, crashes: [], messes: [] };
  for (let i = from; i < to; i += step) {
    onCase(i);
    const outcome = await runCase(i, i % SAMPLE_EVERY === 0);
    if ("crash" in outcome) result.crashes.push(`case ${i}: ${outcome.crash}`);
    else if (outcome.valid) result.valid++;
    else if (outcome.lines.length === 0 || outcome.lines.some(unclean)) {
      result.messes.push(`case ${i}: ${JSON.stringify(outcome.lines)}`);
    }
  }
  return result;
}

/** Every this many cases, a valid config also generates requests. */
const SAMPLE_EVERY = 25;

/** A clean message: one line, no stack, no JavaScript leaking through. */
function unclean(line: string): boolean {
  return line.includes("\n") || /\bat .*:\d+:\d+|\[object Object\]|undefined|TypeError|RangeError/.test(line);
}
