/** Where a problem sits in the user's configuration. */
export interface Problem {
  /** Config path such as `services[2].downstream[0]`; empty for the document itself. */
  readonly path: string;
  /** 1-based line and column when the YAML gives them. */
  readonly line?: number;
  readonly column?: number;
  /** What is wrong and, when we know, what to do. */
  readonly message: string;
}

/** Stable codes: scripts and tests match on these, never on message text. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_UNREADABLE"
  | "PLUGIN_INVALID"
  | "PLUGIN_FAILED"
  | "EXPORT_FAILED"
  | "USAGE";

/** What `DreamweaverError.from` makes of a foreign error: its code, and what was being done. */
export interface ErrorContext {
  readonly code: ErrorCode;
  /** Put before the reason, e.g. `cannot read config "x.yaml"`; absent: the reason alone. */
  readonly what?: string;
}

/**
 * The one error type for user mistakes. The CLI prints `lines()` and exits non-zero without a stack;
 * anything else that reaches the top is a bug and keeps its stack.
 */
export class DreamweaverError extends Error {
  override readonly name = "DreamweaverError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * Any thrown value as a DreamweaverError. A DreamweaverError passes through unchanged; anything else
   * becomes `context.code` with the first line of its message, after `context.what` when given, and is
   * kept as the cause (for the stack a bug report needs).
   *
   * @example
   * throw DreamweaverError.from(error, { code: "PLUGIN_FAILED", what: `plugin "acme": export() failed` });
   */
  static from(error: unknown, context: ErrorContext): DreamweaverError {
    if (error instanceof DreamweaverError) return error;
    const text = error instanceof Error ? error.message || error.name : String(error);
    const reason = text.split("\n", 1)[0]!;
    const message = context.what === undefined ? reason : `${context.what}: ${reason}`;
    return new DreamweaverError(context.code, message, [], { cause: error });
  }

  /** One line per problem, or the message itself when there are none. */
  lines(): string[] {
    return (this.problems.length === 0 ? [this.message] : this.problems.map(formatProblem)).map(oneLine);
  }
}

/**
 * A message with the control characters of the values it quotes escaped (`\n`, `\u0000`), so that it
 * stays one line whatever a config holds.
 */
function oneLine(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `services[2].downstream[0] (line 41:7): unknown service "users-db2".` */
export function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? "" : ` (line ${problem.line}:${problem.column ?? 1})`;
  const path = problem.path === "" ? "config" : problem.path;
  return `${path}${where}: ${problem.message}`;
}

/** Builds the CONFIG_INVALID error that carries every problem found in one pass. */
export function configError(problems: readonly Problem[], file?: string): DreamweaverError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return new DreamweaverError("CONFIG_INVALID", `${file ?? "config"}: ${count}`, problems);
}
