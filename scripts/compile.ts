// How a standalone binary is compiled, for every target alike: `npm run build:bins`, `npm run build:bin`
// and the tests' binary all come from here, so the binary the tests check is the one that ships.
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..");

/** Every target `bun build --compile` makes a binary for. */
export const TARGETS = [
  "linux-x64",
  "linux-arm64",
  "linux-x64-musl",
  "linux-arm64-musl",
  "darwin-x64",
  "darwin-arm64",
  "windows-x64",
  "windows-arm64",
] as const;

export type Target = (typeof TARGETS)[number];

/** The target this machine runs, e.g. `linux-x64` (glibc) or `linux-arm64-musl`. */
export function hostTarget(): Target {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = os === "linux" && report?.header?.glibcVersionRuntime === undefined;
  return `${os}-${process.arch}${musl ? "-musl" : ""}` as Target;
}

/**
 * Compiles the CLI for `target` into `outfile`; the error output when it fails. Split into chunks that
 * load when first imported, so `--version` loads only the entry; precompiled to bytecode, so little is
 * parsed at all; minified but for names, which stack traces of bugs keep; and reading no `.env` or
 * `bunfig.toml` from wherever it runs.
 */
export function compile(target: Target, outfile: string): { ok: true } | { ok: false; error: string } {
  const result = Bun.spawnSync([
    process.execPath,
    "build",
    join(ROOT, "src", "cli", "main.ts"),
    "--compile",
    `--target=bun-${target}`,
    "--outfile",
    outfile,
    "--splitting",
    "--bytecode",
    "--format=esm",
    "--minify-syntax",
    "--minify-whitespace",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
  ], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return result.exitCode === 0 ? { ok: true } : { ok: false, error: result.stderr.toString().trim() };
}
