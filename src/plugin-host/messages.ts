// The user-facing failures with their codes and exit statuses, built in one place so their wording stays
// consistent. Scripts and tests match codes; a few tests match texts, so change a text on purpose only.
import { DreamweaverError, type ErrorCode } from "./errors.ts";
import type { ExportError } from "./plugin.ts";

/** Mistakes in what the user gave us exit 2; a receiver that cannot be reached or a plugin that fails, 1. */
export const EXIT_STATUS: Readonly<Record<ErrorCode, number>> = {
  CONFIG_INVALID: 2,
  CONFIG_UNREADABLE: 2,
  PLUGIN_INVALID: 2,
  USAGE: 2,
  PLUGIN_FAILED: 1,
  EXPORT_FAILED: 1,
};

// Plugins

/** `plugin "acme": exporter "acme/kafka" export() failed: boom`; a DreamweaverError passes unchanged. */
export function pluginFailed(plugin: string, what: string, error: unknown): DreamweaverError {
  return DreamweaverError.from(error, { code: "PLUGIN_FAILED", what: `plugin "${plugin}": ${what} failed` });
}

/** An exporter factory that returned something that cannot export. */
export function notAnExporter(plugin: string, factory: string): DreamweaverError {
  return pluginFailed(plugin, factory, "it returned no object with an export() method");
}

/**
 * A plugin call that did not settle in its time: `plugin "acme": exporter "acme/kafka" export() did not finish
 * within 10s`; without a plugin (an exporter handed to the run) the same, unprefixed.
 */
export function tookTooLong(plugin: string | undefined, what: string, ms: number): DreamweaverError {
  const message = `${what} did not finish within ${formatSeconds(ms)}`;
  return plugin === undefined
    ? new DreamweaverError("EXPORT_FAILED", message)
    : new DreamweaverError("PLUGIN_FAILED", `plugin "${plugin}": ${message}`);
}

/** An export call still waiting for its answer when shutdown's budget ran out. */
export function cutOffAtShutdown(plugin: string | undefined, what: string): DreamweaverError {
  const message = `${what} had no answer yet when the run shut down`;
  return plugin === undefined
    ? new DreamweaverError("EXPORT_FAILED", message)
    : new DreamweaverError("PLUGIN_FAILED", `plugin "${plugin}": ${message}`);
}

/** `10s`, `0.25s`: a duration in the units `--timeout` takes. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** A close failure of an exporter that does not name itself (one the driver did not make). */
export function closeFailed(error: unknown): DreamweaverError {
  return DreamweaverError.from(error, { code: "PLUGIN_FAILED", what: "closing an exporter failed" });
}

/** The close failures of several exporters as one line, or the one failure as it is. */
export function closeFailures(errors: readonly DreamweaverError[]): DreamweaverError {
  if (errors.length === 1) return errors[0]!;
  return new DreamweaverError("PLUGIN_FAILED", errors.map((error) => error.message).join("; "), [], { cause: errors });
}

/** Every malformed plugin or clashing name, one line each; the first is the message. */
export function pluginsInvalid(problems: readonly string[]): DreamweaverError {
  return new DreamweaverError(
    "PLUGIN_INVALID",
    problems[0]!,
    problems.map((message) => ({ path: "plugins", message })),
  );
}

/** A `plugins:` entry or `--plugin` that cannot be imported: a problem line of the config. */
export function cannotLoadPlugin(spec: string, error: unknown): string {
  return DreamweaverError.from(error, { code: "PLUGIN_INVALID", what: `cannot load plugin "${spec}"` }).message;
}

export function noPluginExport(spec: string): string {
  return `plugin "${spec}" has no default export made with definePlugin()`;
}

// Files the CLI reads and writes

/** `what` is e.g. `config`, `CA certificate`; `reason` says why in plain words. */
export function cannotRead(what: string, path: string, reason: string, cause: unknown): DreamweaverError {
  return new DreamweaverError("CONFIG_UNREADABLE", `cannot read ${what} "${path}": ${reason}`, [], { cause });
}

export function cannotOpenForAppending(path: string, reason: string, cause: unknown): DreamweaverError {
  return new DreamweaverError("EXPORT_FAILED", `cannot open "${path}" for appending: ${reason}`, [], { cause });
}

export function cannotWrite(path: string, reason: string, cause: unknown): DreamweaverError {
  return new DreamweaverError("EXPORT_FAILED", `cannot write to "${path}": ${reason}`, [], { cause });
}

/** `dreamweaver init` into a file that is there already, or cannot be created. */
export function cannotCreate(path: string, reason: string, cause?: unknown): DreamweaverError {
  return new DreamweaverError("USAGE", `cannot create "${path}": ${reason}`, [], { cause });
}

// TLS over OTLP/HTTP, which depends on the runtime

export function insecureTlsOnDeno(): DreamweaverError {
  return new DreamweaverError(
    "USAGE",
    "output.tls.insecure over OTLP/HTTP is not supported on Deno; run Deno with --unsafely-ignore-certificate-errors",
  );
}

// The built-in receiver (`sink`) and its flags

export function notAPort(flag: string, text: string): DreamweaverError {
  return new DreamweaverError("USAGE", `${flag} must be a port number from 0 to 65535 (was "${text}")`);
}

export function notANumber(flag: string, text: string): DreamweaverError {
  return new DreamweaverError("USAGE", `${flag} must be a number (was "${text}")`);
}

export function failRateOutOfRange(failRate: number): DreamweaverError {
  return new DreamweaverError("USAGE", `--fail-rate must be from 0 to 1 (was ${failRate})`);
}

export function negativeDelay(delayMs: number): DreamweaverError {
  return new DreamweaverError("USAGE", `--delay-ms must be 0 or more (was ${delayMs})`);
}

/** `where` is `host:port`; `reason` says what to do, e.g. `the port is already in use ...`. */
export function cannotListen(where: string, reason: string, cause: unknown): DreamweaverError {
  return new DreamweaverError("USAGE", `cannot listen on ${where}: ${reason}`, [], { cause });
}

// Flags and settings

/** A flag whose value cannot be used: `--at: after the end of the run`. */
export function badFlag(flag: string, message: string): DreamweaverError {
  return new DreamweaverError("USAGE", `${flag}: ${message}`);
}

/** Every problem found in the config file, the environment and the flags, each named by its source. */
export function settingsInvalid(
  problems: readonly { path: string; message: string; line?: number; column?: number }[],
  file: string,
): DreamweaverError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const onlyArguments = problems.every((p) => p.path.startsWith("--") || p.path.startsWith("OTEL_"));
  const first = problems[0]!;
  const message = problems.length === 1
    ? (first.path === "" ? first.message : `${first.path}: ${first.message}`)
    : `${file}: ${count}`;
  return new DreamweaverError(onlyArguments ? "USAGE" : "CONFIG_INVALID", message, problems);
}

// Export

/**
 * The first export of an unpaced run to an OTLP receiver failed for good: the run ends at once. The hint
 * about a receiver only when nothing answered at all (see ExportError.unreachable); a TLS failure or an
 * error status came from something that did answer, and its reason says what.
 */
export function cannotExport(failure: Error): DreamweaverError {
  const unreachable = [failure, failure.cause].some((error) => (error as ExportError | undefined)?.unreachable);
  const hint = unreachable ? ". Is an OTLP receiver listening there? (--sink starts a built-in one)" : "";
  return new DreamweaverError("EXPORT_FAILED", `cannot export to ${failure.message}${hint}`, [], { cause: failure });
}

// The command line

/** An argument the command does not take: `dreamweaver run: unknown flag --fsat. Did you mean --fast?`. */
export function badCommandLine(command: string, message: string): DreamweaverError {
  return new DreamweaverError("USAGE", `${command}: ${message} (see "${command} --help")`);
}
