import type { Placeholder, PlaceholderSpan, Plugin } from "../index.ts";
import { Findings, THREW } from "./findings.ts";
import { sameValue, seededRandom, withoutAmbientSources } from "./sandbox.ts";

/** Draws per argument list, span and request. */
const DRAWS = 20;
const REQUESTS = [1, 2, 3];

/** The span a log record is written for, as the engine hands it to placeholders in log patterns. */
const SAMPLE_SPAN: PlaceholderSpan = {
  name: "GET /api/users/{id}",
  durationMs: 42.317,
  traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  error: "connection refused",
  attribute: (key) => SPAN_ATTRIBUTES[key],
};

const SPAN_ATTRIBUTES: Readonly<Record<string, string>> = {
  "http.request.method": "GET",
  "http.route": "/api/users/{id}",
  "url.path": "/api/users/4211",
  "http.response.status_code": "200",
  "client.address": "10.1.2.3",
};

/**
 * Placeholders: each returns text, the same text for the same randomness, arguments and span, with no
 * randomness or clock of its own. It is tried without arguments (when its `check` accepts none) and with
 * every example its description shows, such as `{sku:books}`; each example must pass `check`.
 *
 * @example
 * test("placeholders", () => checkPlaceholders(plugin));
 */
export function checkPlaceholders(plugin: Plugin): void {
  const findings = new Findings(plugin);
  placeholderFindings(findings);
  findings.throwIfAny();
}

export function placeholderFindings(findings: Findings): void {
  for (const [name, placeholder] of Object.entries(findings.plugin.placeholders ?? {})) {
    checkPlaceholder(findings, name, placeholder);
  }
}

function checkPlaceholder(findings: Findings, name: string, placeholder: Placeholder): void {
  const where = `placeholders.${name}`;
  const { check, generate, description } = typeof placeholder === "function" ? { generate: placeholder } : placeholder;
  const examples = examplesIn(description ?? "", name);
  const accepted = [[], ...examples].filter((args) => {
    const shown = `{${[name, ...args].join(":")}}`;
    // As the loader checks a use: without `check`, a placeholder takes no arguments.
    const problem = findings.attempt(`${where}.check for ${shown}`, () => {
      if (check) return check(args);
      return args.length === 0 ? undefined : "takes no arguments (it has no check)";
    });
    if (problem === THREW) return false;
    findings.expect(["string", "undefined"].includes(typeof problem), `${where}.check must return text or undefined`);
    if (args.length > 0) findings.expect(problem === undefined, `${where}: its description shows ${shown}: ${problem}`);
    return problem === undefined;
  });
  const needsArguments = `${where}: takes arguments; show a use in its description, e.g. {${name}:…}`;
  if (!findings.expect(accepted.length > 0, needsArguments)) return;
  for (const args of accepted) {
    for (const span of [undefined, SAMPLE_SPAN]) {
      const shown = `{${[name, ...args].join(":")}}${span ? " in a log" : ""}`;
      const draw = (i: number) =>
        findings.attempt(`${where} ${shown}`, () =>
          withoutAmbientSources(() => {
            const random = seededRandom(i);
            return Array.from({ length: DRAWS }, () => generate({ random, args, ...(span && { span }) }));
          }));
      for (const i of REQUESTS) {
        const texts = draw(i);
        if (texts === THREW) break;
        findings.expect(texts.every((text) => typeof text === "string"), `${where} ${shown} must return text`);
        findings.expect(sameValue(draw(i), texts), `${where} ${shown} must be reproducible from its random`);
      }
    }
  }
}

/** The argument lists of the uses a description shows, e.g. `["1", "100"]` for `{int:1:100}`. */
function examplesIn(description: string, name: string): string[][] {
  const use = new RegExp(`\\{(?:[a-z][a-z0-9-]*/)?${name.replace(/[-]/g, "\\-")}:([^{}]*)\\}`, "g");
  return [...description.matchAll(use)].map((match) => match[1]!.split(":"));
}
