import { definePlugin, type PlaceholderContext, type Random } from "../../src/index.ts";
import { compileTemplate } from "../span-kinds/semconv/http-route.ts";
import { logUniformInt, slug, uuidV4, weighted, WORDS } from "../span-kinds/semconv/random-values.ts";
import { userAgent } from "../span-kinds/semconv/user-agents.ts";

const ERRORS = [
  "Connection timeout",
  "Connection refused",
  "Connection reset by peer",
  "Deadline exceeded",
  "Service unavailable",
  "Too many requests",
  "Internal server error",
  "Upstream request timeout",
  "Database connection pool exhausted",
  "Lock wait timeout exceeded",
  "Out of memory",
  "Certificate has expired",
];

const httpMethod = weighted<string>([[60, "GET"], [20, "POST"], [7, "PUT"], [5, "DELETE"], [5, "PATCH"], [2, "HEAD"], [
  1,
  "OPTIONS",
]]);

/** Mostly 2xx, some redirects and 304s, a few client errors, fewer server errors: a healthy access log. */
const statusCode = weighted<string>([
  [70, "200"],
  [8, "201"],
  [4, "204"],
  [1, "301"],
  [2, "302"],
  [4, "304"],
  [2, "400"],
  [2, "401"],
  [1, "403"],
  [4, "404"],
  [0.5, "409"],
  [0.5, "429"],
  [1, "500"],
  [0.3, "502"],
  [0.5, "503"],
  [0.2, "504"],
]);

const URL_PATHS = [
  "/",
  "/login",
  "/healthz",
  "/api/products",
  "/api/products/{slug}",
  "/api/users/{id}",
  "/api/users/{id}/orders",
  "/api/orders/{order_id}",
  "/api/cart",
  "/api/checkout",
  "/api/sessions/{session_uuid}",
  "/api/search?q={q}",
].map(compileTemplate);

const FIRST_NAMES = [
  "alice",
  "bob",
  "carla",
  "dmitri",
  "emma",
  "farid",
  "grace",
  "hiro",
  "ines",
  "jamal",
  "kofi",
  "lena",
];
const LAST_NAMES = ["smith", "garcia", "chen", "muller", "okafor", "rossi", "tanaka", "novak", "silva", "kowalski"];
// Reserved for documentation (RFC 2606), so generated addresses never reach a real mailbox.
const MAIL_DOMAINS = ["example.com", "example.org", "example.net"];

const hostname = (random: Random) => {
  switch (random.int(0, 2)) {
    case 0:
      return `ip-10-0-${random.int(0, 255)}-${random.int(1, 254)}.ec2.internal`;
    case 1: // A Kubernetes pod: deployment, replica-set hash, pod suffix.
      return `${random.pick(["web", "api", "worker", "checkout"])}-${random.uint32().toString(36).slice(0, 8)}-${
        random.uint32().toString(36).slice(0, 5)
      }`;
    default:
      return `${random.pick(WORDS)}-${random.int(1, 24)}.prod.example.com`;
  }
};

const DIGITS = /^-?\d+$/;
const MAX_HEX_DIGITS = 4096;

/** Arguments of `{choice:...}`, split once per occurrence: the same args array comes back on every call. */
const choices = new WeakMap<readonly string[], readonly string[]>();
function optionsOf(args: readonly string[]): readonly string[] {
  let options = choices.get(args);
  if (!options) choices.set(args, options = args.join(":").split("|"));
  return options;
}

/** `gold=1`: an option with its weight. */
const WEIGHTED = /^(.*)=(\d+(?:\.\d+)?)$/;

/** `{choice:gold=1|silver=3}`: a weighted pick when every option has a weight, else a uniform one. */
const pickers = new WeakMap<readonly string[], (random: Random) => string>();
function pickerOf(args: readonly string[]): (random: Random) => string {
  let pick = pickers.get(args);
  if (!pick) {
    const options = optionsOf(args);
    const weights = options.map((option) => WEIGHTED.exec(option));
    pick = weights.every((match) => match !== null)
      ? weighted(weights.map((match) => [Number(match![2]), match![1]!] as const))
      : (random: Random) => random.pick(options);
    pickers.set(args, pick);
  }
  return pick;
}

function checkChoice(args: readonly string[]): string | undefined {
  const example = "e.g. {choice:card|paypal|invoice} or {choice:gold=1|silver=3}";
  if (args.length === 0) return `takes options separated by |, ${example}`;
  const options = optionsOf(args);
  if (options.some((option) => option === "")) return `options must not be empty, ${example}`;
  const weights = options.map((option) => WEIGHTED.exec(option));
  const weightedCount = weights.filter((match) => match !== null).length;
  if (weightedCount === 0) return undefined;
  if (weightedCount < options.length) return `give every option a weight, or none, ${example}`;
  if (weights.some((match) => match![1] === "")) return `a weighted option needs a value before "=", ${example}`;
  return weights.some((match) => Number(match![2]) > 0) ? undefined : "at least one weight must be above 0";
}

/** `{int:min:max}`: 1 to 100 without arguments. */
function intRange(args: readonly string[]): [number, number] {
  return args.length === 2 ? [Number(args[0]), Number(args[1])] : [1, 100];
}

/**
 * In a log pattern, the first of the span's attributes `keys` it has; otherwise (attribute values, spans
 * without one) a random value as the seed's placeholder drew it. So `Request from {ip}` logs the span's
 * client address, and original configs keep their meaning where there is no span to agree with.
 */
function fromSpan(keys: readonly string[], random: (context: PlaceholderContext) => string) {
  return (context: PlaceholderContext): string => {
    if (context.span) {
      for (const key of keys) {
        const value = context.span.attribute(key);
        if (value !== undefined) return value;
      }
    }
    return random(context);
  };
}

/** A number 0..n-1 that is the same for every record of one trace: one request, one user, one id. */
function perTrace(traceId: Uint8Array, n: number): number {
  return ((traceId[0]! << 16 | traceId[1]! << 8 | traceId[2]!) >>> 0) % n;
}

/** Two hex digits per byte value: a log's request id is built on every record, so no formatting per byte. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

const hex = (bytes: Uint8Array, length: number) => {
  let out = "";
  for (let i = 0; i < length; i++) out += BYTE_HEX[bytes[i]!];
  return out;
};

/**
 * `value` of a trace, made once for all its records: a request's log records are written one after another,
 * so remembering the last trace spares building the same text for each (and encoding a fresh string each).
 */
function oncePerTrace(value: (traceId: Uint8Array) => string): (traceId: Uint8Array) => string {
  let lastTrace: Uint8Array | undefined;
  let last = "";
  return (traceId) => {
    if (traceId !== lastTrace) {
      last = value(traceId);
      lastTrace = traceId;
    }
    return last;
  };
}

const requestIdOf = oncePerTrace((traceId) => hex(traceId, 8));
const userIdOf = oncePerTrace((traceId) => String(1000 + perTrace(traceId, 9000)));

/**
 * The seed's log-pattern placeholders, with the ranges its README documents, and value generators. In a
 * log record those that stand for something its span knows take the span's value (see each description).
 */
export default definePlugin({
  name: "placeholders",
  placeholders: {
    ip: {
      description: "in a log, its span's client (or peer) address; else a random IPv4 address, e.g. 192.168.1.42",
      // Unicast, not loopback, not a network or broadcast address: what a client address looks like.
      generate: fromSpan(["client.address", "network.peer.address"], ({ random }) => {
        let first = random.int(1, 223);
        if (first === 127) first = 10;
        return `${first}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
      }),
    },
    duration: {
      description: "in a log, its span's duration in whole ms; else a duration from 1 to 500, e.g. 127",
      generate: ({ random, span }) => String(span ? Math.round(span.durationMs) : random.int(1, 500)),
    },
    duration_ms: {
      description: "in a log, its span's duration in ms with three decimals, e.g. 42.317; else like {duration}",
      generate: ({ random, span }) => (span ? span.durationMs.toFixed(3) : String(random.int(1, 500))),
    },
    span: {
      description: "in a log, an attribute of its span, e.g. {span:http.route}; empty when the span has none",
      check: (
        args,
      ) => (args.length === 1 && args[0] !== "" ? undefined : "takes an attribute key, e.g. {span:http.route}"),
      generate: ({ args, span }) => span?.attribute(args[0]!) ?? "",
    },
    span_name: {
      description: "in a log, the name of its span, e.g. GET /api/users; else empty",
      generate: ({ span }) => span?.name ?? "",
    },
    error: {
      description: "in a log, its span's error message; else a random error message, e.g. Connection timeout",
      generate: ({ random, span }) => span?.error ?? random.pick(ERRORS),
    },
    user_id: {
      description: "a user id from 1000 to 9999, the same for every log of one request",
      generate: ({ random, span }) => (span ? userIdOf(span.traceId) : String(1000 + random.int(0, 8999))),
    },
    request_id: {
      description: "16 hex digits, in a log the same for every log of one request (its trace id's first half)",
      generate: ({ random, span }) => (span ? requestIdOf(span.traceId) : random.hex(16)),
    },
    uuid: {
      description: "a random UUID (version 4), e.g. 3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c",
      generate: ({ random }) => uuidV4(random),
    },
    hex: {
      description: "N random hex digits, 16 without an argument, e.g. {hex:8} → 9f3a0c7e",
      check: (args) => {
        if (args.length > 1) return "takes one argument, the number of digits, e.g. {hex:8}";
        const digits = Number(args[0] ?? "16");
        return DIGITS.test(args[0] ?? "16") && digits >= 1 && digits <= MAX_HEX_DIGITS
          ? undefined
          : `the number of digits must be a whole number from 1 to ${MAX_HEX_DIGITS}, e.g. {hex:8}`;
      },
      generate: ({ random, args }) => random.hex(args.length === 1 ? Number(args[0]) : 16),
    },
    int: {
      description: "an integer from min to max, both included, e.g. {int:1:100}; 1 to 100 without arguments",
      check: (args) => {
        if (args.length !== 0 && args.length !== 2) return "takes a minimum and a maximum, e.g. {int:1:100}";
        if (args.length === 0) return undefined;
        const [min, max] = intRange(args);
        if (!DIGITS.test(args[0]!) || !Number.isSafeInteger(min)) return "min must be a whole number";
        if (!DIGITS.test(args[1]!) || !Number.isSafeInteger(max)) return "max must be a whole number";
        return min > max ? "min must not exceed max" : undefined;
      },
      generate: ({ random, args }) => {
        const [min, max] = intRange(args);
        return String(random.int(min, max));
      },
    },
    choice: {
      description: "one of the options separated by |, e.g. {choice:card|paypal|invoice}; weighted: " +
        "{choice:gold=1|silver=3}",
      check: checkChoice,
      generate: ({ random, args }) => pickerOf(args)(random),
    },
    http_method: {
      description: "in a log, its span's HTTP method; else an HTTP method, mostly GET and POST, e.g. GET",
      generate: fromSpan(["http.request.method"], ({ random }) => httpMethod(random)),
    },
    url_path: {
      description: "in a log, its span's URL path; else a URL path with ids filled in, e.g. /api/users/4211/orders",
      generate: fromSpan(["url.path", "http.route"], ({ random }) => random.pick(URL_PATHS).render(random)),
    },
    status_code: {
      description:
        "in a log, its span's HTTP status; else a status code, mostly 2xx with some 3xx, 4xx and 5xx, e.g. 200",
      generate: fromSpan(["http.response.status_code"], ({ random }) => statusCode(random)),
    },
    user_agent: {
      description:
        "in a log, its span's User-Agent; else a browser, mobile app or HTTP client User-Agent, e.g. curl/8.7.1",
      generate: fromSpan(["user_agent.original"], ({ random }) => userAgent(random)),
    },
    hostname: {
      description: "a host name: EC2, Kubernetes pod or DNS style, e.g. ip-10-0-12-34.ec2.internal",
      generate: ({ random }) => hostname(random),
    },
    email: {
      description: "an e-mail address at a reserved example domain, e.g. grace.chen42@example.com",
      generate: ({ random }) =>
        `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}${random.int(1, 99)}@${random.pick(MAIL_DOMAINS)}`,
    },
    word: { description: "a plain English word, e.g. harbor", generate: ({ random }) => random.pick(WORDS) },
    slug: { description: "a two-word slug, e.g. golden-harbor", generate: ({ random }) => slug(random) },
    amount: {
      description: "a money amount with two decimals, mostly small, e.g. 42.99",
      generate: ({ random }) => (logUniformInt(random, 100, 200_000) / 100).toFixed(2),
    },
  },
});
