import { attribute, type KeyValue, type Random } from "../../../src/index.ts";
import { weighted } from "./random-values.ts";

/**
 * `User-Agent` headers in rough proportion to what a public API sees: mostly desktop and mobile browsers,
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
  USER_AGENTS.map(([weight, agent]) => [weight, attribute("user_agent.original", agent)] as const),
);
