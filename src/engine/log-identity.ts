import type { Random } from "../plugin-host/random.ts";
import { attribute } from "../telemetry/attribute.ts";
import type { KeyValue, ScopeRecord } from "../telemetry/records.ts";

// Who writes a service's log records, as its language's OpenTelemetry log bridge reports it with the
// settings most deployments run: the logger's name becomes the instrumentation scope (a Java class, a
// Python module, a .NET category, a Go package); Python's logging handler adds the call site (`code.*`)
// by default; the Java agent's appenders add the thread (`thread.id`, `thread.name`) once their
// experimental attributes are switched on, which we assume, and the call site only on a setting that
// costs time at every log call, which we do not. Go's slog bridge adds the call site only with its source
// option, which we assume off. A log statement sits at one place in the code, so each (operation, log
// template) keeps one function, file and line for the whole run.

/** What a service's log records carry about where they were written. */
export interface LogIdentity {
  /** The scope the service's logger reports, instead of the generator's own. */
  readonly scope: ScopeRecord;
  /**
   * `code.*` attributes of one log statement in the handler of `operation`, at a line of its own: call it
   * once per (operation, log template) while planning, in a fixed order, since it draws the line.
   */
  code(operation: string): readonly KeyValue[];
  /** `thread.id` and `thread.name` of the request threads, one drawn per span; empty when not reported. */
  readonly threads: readonly (readonly KeyValue[])[];
}

const NONE: readonly KeyValue[] = [];

/** A language's log appender: how it names the logger, the code location and the threads. */
interface Appender {
  readonly logger: (names: Names) => string;
  readonly code?: (names: Names, operation: string) => { function: string; file: string };
  readonly threads?: (random: Random) => { id: number; name: string }[];
}

interface Names {
  readonly words: readonly string[];
  readonly pascal: string;
  readonly snake: string;
  readonly flat: string;
}

const APPENDERS: Readonly<Record<string, Appender>> = {
  java: {
    logger: (n) => `com.example.${n.flat}.${n.pascal}Controller`,
    threads: (random) => {
      const first = random.int(28, 60);
      return Array.from({ length: 10 }, (_, i) => ({ id: first + i, name: `http-nio-8080-exec-${i + 1}` }));
    },
  },
  python: {
    logger: (n) => `${n.snake}.handlers`,
    code: (n, op) => ({ function: snakeCase(op), file: `/app/${n.snake}/handlers.py` }),
  },
  go: { logger: (n) => `github.com/example/${n.flat}` },
  rust: { logger: (n) => `${n.snake}::handlers` },
  dotnet: { logger: (n) => `${n.pascal}.Controllers.${n.pascal}Controller` },
  nodejs: { logger: (n) => `@example/${n.words.join("-")}` },
};

/** The log identity of one service in `language`; `random` draws its line numbers and thread ids. */
export function logIdentity(service: string, language: string, random: Random): LogIdentity {
  const all = service.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  const names: Names = { words: all, pascal: pascal(service), snake: all.join("_"), flat: all.join("") };
  const appender = APPENDERS[language] ?? { logger: () => service };
  return {
    scope: { name: appender.logger(names), version: "", attributes: [] },
    code(operation) {
      if (!appender.code) return NONE;
      const { function: fn, file } = appender.code(names, operation);
      return [
        attribute("code.function.name", fn),
        attribute("code.file.path", file),
        attribute("code.line.number", random.int(20, 400)),
      ];
    },
    threads: (appender.threads?.(random) ?? []).map((
      t,
    ) => [attribute("thread.id", t.id), attribute("thread.name", t.name)]),
  };
}

function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter((w) => w.length > 0).map((w) => w.toLowerCase());
}

function pascal(text: string): string {
  return words(text).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

function snakeCase(text: string): string {
  return words(text).join("_") || "handle";
}
