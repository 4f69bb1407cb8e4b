import type { CallContext, DescribedCall, OperationContext, OperationModel, Random } from "../../../src/index.ts";
import type { Exception } from "./call-outcome.ts";
import { camelCase, pascalCase, words } from "./name-hints.ts";
import { fnv1a } from "./random-values.ts";

// Exceptions as each language's OpenTelemetry SDK records them (semconv exceptions; SDK sources as cited in
// the realism reference): the type is what the runtime calls the error (Go `typeStr`, Node `err.code` else
// `err.name`, Python's qualified name with builtins bare, Java/.NET class names), and the stack trace is in
// the runtime's own format. Go's SDK records no stack trace unless asked to, nor do Rust's and C++'s.

type Language = "java" | "go" | "python" | "nodejs" | "dotnet" | "ruby" | "php";
type ByLanguage = Readonly<Partial<Record<Language, Exception | string>>>;

/** What generic failures are in each language: a type alone keeps the message, a pair replaces both. */
const KINDS: Readonly<Record<string, ByLanguage>> = {
  timeout: {
    java: "java.net.SocketTimeoutException",
    go: { type: "context.deadlineExceededError", message: "context deadline exceeded" },
    python: "TimeoutError",
    nodejs: "ETIMEDOUT",
    dotnet: "System.TimeoutException",
    ruby: "Timeout::Error",
    php: "GuzzleHttp\\Exception\\ConnectException",
  },
  refused: {
    java: { type: "java.net.ConnectException", message: "Connection refused" },
    go: { type: "*net.OpError", message: "dial tcp 10.0.12.7:8080: connect: connection refused" },
    python: { type: "ConnectionRefusedError", message: "[Errno 111] Connection refused" },
    nodejs: { type: "ECONNREFUSED", message: "connect ECONNREFUSED 10.0.12.7:8080" },
    dotnet: { type: "System.Net.Http.HttpRequestException", message: "Connection refused (10.0.12.7:8080)" },
    ruby: { type: "Errno::ECONNREFUSED", message: "Failed to open TCP connection to 10.0.12.7:8080" },
    php: { type: "GuzzleHttp\\Exception\\ConnectException", message: "cURL error 7: Failed to connect" },
  },
  reset: {
    java: { type: "java.net.SocketException", message: "Connection reset" },
    go: { type: "*net.OpError", message: "read tcp 10.0.12.7:8080: read: connection reset by peer" },
    python: { type: "ConnectionResetError", message: "[Errno 104] Connection reset by peer" },
    nodejs: { type: "ECONNRESET", message: "read ECONNRESET" },
    dotnet: { type: "System.IO.IOException", message: "Unable to read data from the transport connection." },
    ruby: { type: "Errno::ECONNRESET", message: "Connection reset by peer" },
    php: { type: "GuzzleHttp\\Exception\\ConnectException", message: "cURL error 56: Connection reset by peer" },
  },
  "null": {
    java: {
      type: "java.lang.NullPointerException",
      message: 'Cannot invoke "Object.toString()" because the return value of "java.util.Map.get(Object)" is null',
    },
    go: { type: "runtime.errorString", message: "runtime error: invalid memory address or nil pointer dereference" },
    python: { type: "AttributeError", message: "'NoneType' object has no attribute 'id'" },
    nodejs: "TypeError",
    dotnet: { type: "System.NullReferenceException", message: "Object reference not set to an instance of an object." },
    ruby: { type: "NoMethodError", message: "undefined method 'id' for nil" },
    php: { type: "Error", message: "Call to a member function getId() on null" },
  },
  internal: {
    java: "java.lang.IllegalStateException",
    go: "*errors.errorString",
    python: "RuntimeError",
    nodejs: "Error",
    dotnet: "System.InvalidOperationException",
    ruby: "RuntimeError",
    php: "RuntimeException",
  },
  invalid: {
    java: "java.lang.IllegalArgumentException",
    go: "*errors.errorString",
    python: "ValueError",
    nodejs: "Error",
    dotnet: "System.ArgumentException",
    ruby: "ArgumentError",
    php: "InvalidArgumentException",
  },
  payload: {
    java: "com.fasterxml.jackson.databind.exc.MismatchedInputException",
    go: "*json.UnmarshalTypeError",
    python: "json.decoder.JSONDecodeError",
    nodejs: "SyntaxError",
    dotnet: "System.Text.Json.JsonException",
    ruby: "JSON::ParserError",
    php: "JsonException",
  },
  conflict: {
    java: "jakarta.persistence.OptimisticLockException",
    go: "*errors.errorString",
    python: "sqlalchemy.orm.exc.StaleDataError",
    nodejs: "Error",
    dotnet: "Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException",
    ruby: "ActiveRecord::StaleObjectError",
    php: "RuntimeException",
  },
};

/** The generic exception types the span kinds write, and what kind of failure each is. */
const KIND_OF_TYPE: Readonly<Record<string, string>> = {
  TimeoutError: "timeout",
  UpstreamTimeout: "timeout",
  DeadlineExceededError: "timeout",
  InternalServerError: "internal",
  InternalError: "internal",
  InvalidOperationError: "internal",
  IllegalStateException: "internal",
  ServiceUnavailable: "internal",
  BadGateway: "internal",
  UnavailableError: "internal",
  ValidationError: "invalid",
  DeserializationError: "payload",
  ConflictError: "conflict",
  TooManyRequests: "internal",
};

/**
 * The failure kind of a generic exception, whose message can say more than its type; undefined for an
 * exception a span kind already wrote in a language's terms.
 */
function kindOf(exception: Exception): string | undefined {
  const generic = KIND_OF_TYPE[exception.type];
  const message = exception.message.toLowerCase();
  if (generic === undefined && exception.type !== "ConnectionError" && exception.type !== "TypeError") return undefined;
  // JavaScript's wording of a missing value, which no other runtime uses.
  if (message.includes("cannot read properties of")) return "null";
  if (exception.type === "TypeError") return undefined;
  if (message.includes("connection refused")) return "refused";
  if (message.includes("reset") || message.includes("connection lost") || message.includes("lost")) return "reset";
  return generic ?? "reset";
}

/** `exception.type` and `exception.message` as a service in `language` would record them. */
export function inLanguage(exception: Exception, language: string): Exception {
  const kind = kindOf(exception);
  const shaped = kind === undefined ? undefined : KINDS[kind]![language as Language];
  if (shaped === undefined) return exception;
  return typeof shaped === "string" ? { type: shaped, message: exception.message } : shaped;
}

/** Where in the application code a failure surfaced: the class (or module) and function. */
interface CodeLocation {
  readonly owner: string;
  readonly method: string;
  readonly module: string;
  readonly line: number;
}

/** A stable number from text: stack traces repeat the same line numbers for the same code. */
function lineOf(text: string, min: number, max: number): number {
  return min + (fnv1a(text) % (max - min + 1));
}

/**
 * The handler an operation names: `pkg.CartService/GetCart` → `Cart` `getCart`; `GET /api/carts/{id}` →
 * `getCarts` on the template's class; anything else → its first words on the template's class.
 */
function locate(context: OperationContext): CodeLocation {
  const operation = context.operation.trim();
  const split = (text: string) => words(text.replace(/([a-z0-9])([A-Z])/g, "$1 $2"));
  let owner = (pascalCase(context.template) || pascalCase(context.service)).replace(/Service$/, "") || "App";
  let verbs = split(operation).filter((word) => !/^\d/.test(word)).slice(0, 3);
  const rpc = /([A-Za-z_]\w*)\/([A-Za-z_]\w*)$/.exec(operation);
  const http = /^([A-Z]+)\s+(\/\S*)/.exec(operation);
  if (rpc) {
    owner = rpc[1]!.replace(/Service$/, "") || owner;
    verbs = split(rpc[2]!);
  } else if (http) {
    const segments = http[2]!.split(/[/?]/).filter((part) => part !== "" && !/[{:]/.test(part) && part !== "api");
    verbs = [http[1]!.toLowerCase(), ...words(segments.at(-1) ?? "")];
  }
  const method = camelCase(verbs.join(" ")) || "handle";
  const module = words(context.template).join("_") || "app";
  return { owner, method, module, line: lineOf(`${context.service}/${context.operation}`, 24, 380) };
}

const snake = (text: string) => text.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, "");
const pascal = (text: string) => text[0]!.toUpperCase() + text.slice(1);

/** The runtime's stack trace text of `exception` thrown at `at`, or undefined when its SDK records none. */
export function stacktrace(exception: Exception, language: string, at: CodeLocation): string | undefined {
  const { type, message } = exception;
  const { owner, method, module, line } = at;
  switch (language) {
    case "java": {
      const pkg = `com.example.${module.replaceAll("_", "")}`;
      return [
        `${type}: ${message}`,
        `\tat ${pkg}.${owner}Service.${method}(${owner}Service.java:${line})`,
        `\tat ${pkg}.${owner}Controller.${method}(${owner}Controller.java:${lineOf(owner, 30, 120)})`,
        "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
        "\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)",
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
      ].join("\n");
    }
    case "dotnet":
      return [
        `${type}: ${message}`,
        `   at ${owner}.${owner}Service.${pascal(method)}Async() in /src/${owner}Service.cs:line ${line}`,
        `   at ${owner}.${owner}Controller.${pascal(method)}() in /src/${owner}Controller.cs:line ${
          lineOf(owner, 30, 120)
        }`,
        "   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor.Execute()",
      ].join("\n");
    case "nodejs": {
      // The first line is `err.name`, which for system errors is "Error" while the type is their code.
      const name = /^E[A-Z]+$/.test(type) ? "Error" : type;
      return [
        `${name}: ${message}`,
        `    at ${owner}Service.${method} (/app/src/${module.replaceAll("_", "-")}.js:${line}:${
          lineOf(method, 9, 40)
        })`,
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
      ].join("\n");
    }
    case "python":
      return [
        "Traceback (most recent call last):",
        `  File "/app/${module}/handlers.py", line ${line}, in ${snake(method)}`,
        `    result = self.service.${snake(method)}(request)`,
        `  File "/app/${module}/service.py", line ${lineOf(owner, 30, 200)}, in ${snake(method)}`,
        "    response = self.client.call(request, timeout=self.timeout)",
        `${type}: ${message}`,
      ].join("\n");
    case "ruby":
      return [
        `/app/lib/${module}/service.rb:${line}:in '${snake(method)}': ${message} (${type})`,
        `\tfrom /app/lib/${module}/app.rb:${lineOf(owner, 10, 90)}:in 'block in <class:App>'`,
      ].join("\n");
    case "php":
      return [
        `${type}: ${message}`,
        `\tat App.${owner}Service.${method}(${owner}Service.php:${line})`,
        `\tat App.${owner}Controller.${method}(${owner}Controller.php:${lineOf(owner, 20, 90)})`,
      ].join("\n");
    default:
      return undefined;
  }
}

/**
 * Wraps an operation's descriptions so that its exceptions read as the service's language records them,
 * with that language's stack trace. Exceptions are few and fixed per operation, so each is shaped once.
 */
export function describeInLanguage(context: OperationContext, model: Pick<OperationModel, "describe">): Describe {
  const language = context.language;
  // Called as a method, so a model's describe keeps its `this`; once per span, so no extra call in between.
  if (language === undefined) return (random, failed, call) => model.describe(random, failed, call);
  const at = locate(context);
  const shaped = new WeakMap<object, RecordedException>();
  const shape = (exception: Exception): RecordedException => {
    let out = shaped.get(exception);
    if (out === undefined) {
      const typed = inLanguage(exception, language);
      const trace = stacktrace(typed, language, at);
      out = trace === undefined ? typed : { ...typed, stacktrace: trace };
      shaped.set(exception, out);
    }
    return out;
  };
  return (random, failed, call) => {
    const described = model.describe(random, failed, call);
    return described.exception ? { ...described, exception: shape(described.exception) } : described;
  };
}

type Describe = (random: Random, failed: boolean, call?: CallContext) => DescribedCall;
type RecordedException = NonNullable<DescribedCall["exception"]>;
