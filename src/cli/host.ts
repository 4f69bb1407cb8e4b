// The one module that touches the host: arguments, environment, files, output streams and exit status.
// Everything else is handed what it needs, so it runs the same on Bun, Deno and Node.
import { accessSync, close, constants, existsSync, openSync, statSync, write } from "node:fs";
import { dirname } from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import process from "node:process";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { cannotCreate, cannotOpenForAppending, cannotRead, cannotWrite } from "../plugin-host/messages.ts";
import type { AppendFile, ExporterHost } from "../plugin-host/plugin.ts";

/** Command-line arguments after the program name. */
export function argv(): string[] {
  return process.argv.slice(2);
}

export function cwd(): string {
  return process.cwd();
}

/** Reads a UTF-8 text file; a missing or unreadable file is a user error naming the path. */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw cannotRead(what, path, reason, error);
  }
}

/** Writes a new text file; an existing one is replaced only when `replace` says so. */
export async function writeNewFile(path: string, text: string, replace: boolean): Promise<void> {
  try {
    await writeFile(path, text, { flag: replace ? "w" : "wx" });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
    throw cannotCreate(path, exists ? "it exists; --force replaces it" : reason(error), error);
  }
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function writeErr(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function setExitCode(code: number): void {
  process.exitCode = code;
}

/**
 * Whether what goes to stdout may be coloured: only on a terminal, and never with NO_COLOR set to
 * anything (no-color.org) or TERM=dumb.
 */
export function stdoutColour(): boolean {
  const { NO_COLOR, TERM } = process.env;
  return process.stdout.isTTY === true && (NO_COLOR === undefined || NO_COLOR === "") && TERM !== "dumb";
}

/** Whether stderr is a terminal, where a progress line can update in place. */
export function isInteractive(): boolean {
  return process.stderr.isTTY === true && process.env.CI === undefined;
}

/** Calls `handler` on the first Ctrl-C or SIGTERM; a second one exits at once. Returns an unsubscribe. */
export function onStopSignal(handler: () => void): () => void {
  let stopping = false;
  const listener = () => {
    if (stopping) process.exit(130);
    stopping = true;
    handler();
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return () => {
    process.off("SIGINT", listener);
    process.off("SIGTERM", listener);
  };
}

/**
 * Rewrites the current stderr line (progress on a terminal), cut to the terminal's width: a line that
 * wrapped could not be rewritten in place.
 */
export function writeStatus(text: string): void {
  const columns = process.stderr.columns ?? 0;
  process.stderr.write(`\r\x1b[2K${columns > 1 && text.length >= columns ? text.slice(0, columns - 1) : text}`);
}

/** The process environment, read-only: handed to pure code (e.g. the OTEL_EXPORTER_OTLP_* variables). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** What local exporters (`file`, `stdout`) are handed: stdout and append-only files. */
export const exporterHost: ExporterHost = {
  writeStdout: (text) => void process.stdout.write(text),
  openAppend,
};

/**
 * The exporters' host when stdout belongs to something else (`run --json`): what they would print goes
 * to stderr, so stdout carries the JSON alone.
 */
export const stderrExporterHost: ExporterHost = {
  writeStdout: (text) => void process.stderr.write(text),
  openAppend,
};

/**
 * The exporters' host for `validate`: exporters are created as `run` creates them, but a file is only
 * checked (it could be opened for appending), never created, and nothing is written.
 */
export const checkingExporterHost: ExporterHost = {
  writeStdout: () => {},
  openAppend(path) {
    try {
      if (!existsSync(path)) accessSync(dirname(path), constants.W_OK);
      else if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      else accessSync(path, constants.W_OK);
    } catch (error) {
      throw cannotOpenForAppending(path, reason(error), error);
    }
    return { write: () => Promise.resolve(), close: () => Promise.resolve() };
  },
};

/**
 * Opens `path` for appending, creating it. Opened synchronously so that a bad path fails the run before
 * it starts, naming the path; writes are chained so that concurrent export calls never interleave lines.
 */
function openAppend(path: string): AppendFile {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (error) {
    throw cannotOpenForAppending(path, reason(error), error);
  }
  let last: Promise<void> = Promise.resolve();
  const writeAll = async (bytes: Uint8Array) => {
    // A write may take fewer bytes than given; append mode puts each part at the end.
    for (let offset = 0; offset < bytes.length;) {
      offset += await new Promise<number>((resolve, reject) =>
        write(
          fd,
          bytes,
          offset,
          bytes.length - offset,
          null,
          (error, written) => error ? reject(error) : resolve(written),
        )
      );
    }
  };
  return {
    write(text) {
      const bytes = new TextEncoder().encode(text);
      const done = last.then(() => writeAll(bytes)).catch((error: unknown) => {
        throw cannotWrite(path, reason(error), error);
      });
      // The next write waits for this one, whether or not it failed.
      last = done.catch(() => {});
      return done;
    },
    async close() {
      await last;
      await new Promise<void>((resolve, reject) => close(fd, (error) => error ? reject(error) : resolve()));
    },
  };
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return DreamweaverError.from(error, { code: "CONFIG_UNREADABLE" }).message;
}

/** The path of the script this process runs (the CLI's entry): what `--workers` starts its workers from. */
export function mainModule(): string {
  return process.argv[1]!;
}
