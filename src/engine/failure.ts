import type { Exception, FailureCause, FailureKind } from "../plugin-host/plugin.ts";

// How a failure started, when the span kind's plugin does not say: read from its exception. Words of
// waiting mean a timeout, words of nobody answering a fast failure, anything else an error after work.

const TIMEOUT = /time(?:d)?[ -]?out|deadline|time limit|interrupted|cancel/i;
const UNAVAILABLE =
  /refused|unavailable|unreachable|no healthy|connect(?:ion)? (?:error|failure|lost|reset)|closed the connection|too many (?:clients|connections|requests)|max number of clients|clusterdown|shedding|loading|not enough replicas|quiesce|stepped down|overloaded/i;
/** `after 30000 ms`, `after 5 s`, `after 1.5 seconds`: the timeout a message states. */
const STATED = /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)\b/i;

/** The failure kind of an exception: its own `kind`, else guessed from its type and message. */
export function failureKind(exception: Exception): FailureKind {
  if (exception.kind) return exception.kind;
  const text = `${exception.type} ${exception.message}`;
  if (UNAVAILABLE.test(text)) return "unavailable";
  return TIMEOUT.test(text) ? "timeout" : "internal";
}

/**
 * The root cause of a span's own failure. A timeout lasts the time its message states, so a log saying
 * "after 500 ms" sits on a 500 ms span; without a number, the operation's timeout.
 */
export function ownCause(exception: Exception, timeoutMs: number): FailureCause {
  const kind = failureKind(exception);
  if (kind !== "timeout") return { kind, exception };
  const stated = STATED.exec(exception.message);
  if (!stated) return { kind, exception, timeoutMs };
  const value = Number(stated[1]);
  return { kind, exception, timeoutMs: stated[2]!.toLowerCase().startsWith("m") ? value : value * 1000 };
}
