import { join } from "node:path";
import { compile, hostTarget } from "../../scripts/compile.ts";

export const ROOT = join(import.meta.dir, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How the CLI is started: from source on Bun or Deno, or as the compiled binary at `binary`. */
export type Launcher = { runtime: "bun" } | { runtime: "deno" } | { runtime: "binary"; path: string };

export function command(launcher: Launcher): string[] {
  switch (launcher.runtime) {
    case "bun":
      return [process.execPath, join(ROOT, "src", "cli", "main.ts")];
    case "deno":
      return [join(BIN, "deno"), "run", "-A", "--quiet", join(ROOT, "src", "cli", "main.ts")];
    case "binary":
      return [launcher.path];
  }
}

/** Runs the CLI to completion with `args`, from the repository root. */
export function runCli(
  args: string[],
  launcher: Launcher = { runtime: "bun" },
  env: Record<string, string> = {},
): CliResult {
  const result = Bun.spawnSync([...command(launcher), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Builds the host's standalone binary into `outfile`, as `npm run build:bins` does. */
export function compileBinary(outfile: string): void {
  const result = compile(hostTarget(), outfile);
  if (!result.ok) throw new Error(`bun build --compile failed: ${result.error}`);
}

/** A stream's text so far, read in the background; `done` resolves at its end. */
export interface Collected {
  text: string;
  readonly done: Promise<void>;
}

export function readInBackground(stream: ReadableStream<Uint8Array>): Collected {
  const decoder = new TextDecoder();
  const collected: { text: string; done: Promise<void> } = { text: "", done: Promise.resolve() };
  collected.done = (async () => {
    for await (const chunk of stream) collected.text += decoder.decode(chunk, { stream: true });
  })();
  return collected;
}

/** Waits for `dreamweaver run`'s first line on stderr: the run has begun, and Ctrl-C is handled from then on. */
export async function runStarted(stderr: Collected): Promise<void> {
  while (!stderr.text.includes("dreamweaver: ")) {
    if (await Promise.race([stderr.done.then(() => true), Bun.sleep(50).then(() => false)])) {
      throw new Error(`the run ended before it began: ${stderr.text}`);
    }
  }
}
