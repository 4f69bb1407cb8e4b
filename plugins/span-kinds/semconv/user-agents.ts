import { constantAttribute, type KeyValue, type OperationContext, type Random } from "../../../src/index.ts";
import { weighted } from "./random-values.ts";

/**
 * `User-Agent` headers in rough proportion to what a public API sees at the edge: mostly desktop and mobile browsers,
 * then native apps, then scripts and service clients.
 */
const USER_AGENTS: readonly (readonly [number, string])[] = [
  [
    22,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    10,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  ],
  [
    9,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  ],
  [
    14,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  ],
  [
    12,
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
  ],
  [5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"],
  [
    5,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
  ],
  [5, "ShopApp/5.12.0 (iPhone; iOS 17.4.1; Scale/3.00)"],
  [4, "okhttp/4.12.0"],
  [4, "curl/8.7.1"],
  [3, "python-requests/2.31.0"],
  [3, "Go-http-client/2.0"],
  [2, "axios/1.6.8"],
  [2, "Apache-HttpClient/5.3.1 (Java/21.0.2)"],
];

/** One `User-Agent` header value. */
export const userAgent: (random: Random) => string = weighted(USER_AGENTS);

/** The same mix as ready-made `user_agent.original` attributes, so spans share them instead of rebuilding. */
export const userAgentAttribute: (random: Random) => KeyValue = weighted(
  USER_AGENTS.map(([weight, agent]) => [weight, constantAttribute("user_agent.original", agent)] as const),
);

/**
 * What each language's usual HTTP clients send by default inside a system. .NET's HttpClient, Rust's
 * reqwest and C++ clients send no User-Agent unless told to, so calls from them have none.
 */
const SDK_AGENTS: Readonly<Record<string, readonly (readonly [number, string])[]>> = {
  java: [[5, "okhttp/4.12.0"], [3, "Java-http-client/21.0.5"], [2, "Apache-HttpClient/5.4.1 (Java/21.0.5)"]],
  go: [[1, "Go-http-client/1.1"]],
  python: [[4, "python-requests/2.32.3"], [1, "python-httpx/0.28.1"]],
  nodejs: [[3, "node"], [2, "axios/1.7.9"]],
  ruby: [[3, "Ruby"], [1, "Faraday v2.12.2"]],
  php: [[1, "GuzzleHttp/7"]],
};

/**
 * `user_agent.original` of calls into a service: browsers and apps at the edge, its callers' HTTP clients
 * inside the system; undefined when no caller sends one.
 */
export function userAgentFor(context: OperationContext): ((random: Random) => KeyValue) | undefined {
  if (context.edge ?? (context.callerLanguages === undefined)) return userAgentAttribute;
  const agents = context.callerLanguages.flatMap((language) => SDK_AGENTS[language] ?? []);
  if (agents.length === 0) return undefined;
  return weighted(agents.map(([weight, agent]) => [weight, constantAttribute("user_agent.original", agent)] as const));
}
