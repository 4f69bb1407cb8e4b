import { definePlugin, type Random } from "../../src/index.ts";
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

/** `{int:min:max}`: 1 to 100 without arguments. */
function intRange(args: readonly string[]): [number, number] {
  return args.length === 2 ? [Number(args[0]), Number(args[1])] : [1, 100];
}

/** The seed's log-pattern placeholders, with the ranges its README documents, and value generators. */
export default definePlugin({
  name: "placeholders",
  placeholders: {
    ip: {
      description: "a random IPv4 address, e.g. 192.168.1.42",
      // Unicast, not loopback, not a network or broadcast address: what a client address looks like.
      generate: ({ random }) => {
        let first = random.int(1, 223);
        if (first === 127) first = 10;
        return `${first}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
      },
    },
    duration: {
      description: "a duration from 1 to 500, e.g. 127",
      generate: ({ random }) => String(random.int(1, 500)),
    },
    error: {
      description: "a random error message, e.g. Connection timeout",
      generate: ({ random }) => random.pick(ERRORS),
    },
    user_id: { description: "a user id from 1000 to 9999", generate: ({ random }) => String(random.int(1000, 9999)) },
    request_id: { description: "16 random hex digits", generate: ({ random }) => random.hex(16) },
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
      description: "one of the options separated by |, e.g. {choice:card|paypal|invoice}",
      check: (args) => {
        if (args.length === 0) return "takes options separated by |, e.g. {choice:card|paypal|invoice}";
        return optionsOf(args).some((option) => option === "")
          ? "options must not be empty, e.g. {choice:card|paypal|invoice}"
          : undefined;
      },
      generate: ({ random, args }) => random.pick(optionsOf(args)),
    },
    http_method: {
      description: "an HTTP method, mostly GET and POST, e.g. GET",
      generate: ({ random }) => httpMethod(random),
    },
    url_path: {
      description: "a URL path with ids filled in, e.g. /api/users/4211/orders",
      generate: ({ random }) => random.pick(URL_PATHS).render(random),
    },
    status_code: {
      description: "an HTTP status code, mostly 2xx with some 3xx, 4xx and 5xx, e.g. 200",
      generate: ({ random }) => statusCode(random),
    },
    user_agent: {
      description: "a browser, mobile app or HTTP client User-Agent, e.g. curl/8.7.1",
      generate: ({ random }) => userAgent(random),
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
