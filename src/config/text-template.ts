import type { PlaceholderSpan } from "../plugin-host/plugin.ts";
import type { Random } from "../plugin-host/random.ts";
import { Registry, type ResolvedPlaceholder } from "../plugin-host/registry.ts";
import { foreignTemplateSyntax } from "./template-syntax.ts";

/**
 * `{name}`, `{name:arg:arg}` or `{plugin/name}`. Braces around anything else (JSON, `{}`) are plain text,
 * so log bodies such as `{"ok":true}` need no escaping.
 */
const PLACEHOLDER = /\{([A-Za-z][\w-]*(?:\/[A-Za-z][\w-]*)?)(?::([^{}]*))?\}/g;

/**
 * A log pattern or attribute value with its placeholders resolved, ready for the hot loop. A log pattern
 * is rendered with the span it belongs to, whose values placeholders may use.
 */
export type RenderText = (random: Random, span?: PlaceholderSpan) => string;

/**
 * The same text as the pieces it is made of, literals and placeholder values in order, not joined: a log body
 * is written from them straight into its message, which spares building a string only to encode it once.
 */
export type RenderPieces = (random: Random, span?: PlaceholderSpan) => readonly string[];

/** Compiles `text` once; returns the renderer, or every problem with its placeholders. */
export function compileText(
  text: string,
  placeholders: Registry["placeholders"],
): { render: RenderText; pieces: RenderPieces; problems: string[]; hasPlaceholders: boolean } {
  const asOnePiece = [text];
  const constant = { render: () => text, pieces: () => asOnePiece };
  const mistakes = foreignTemplateSyntax(text, (name) => placeholders.has(name));
  if (mistakes.length > 0) return { ...constant, problems: mistakes, hasPlaceholders: false };
  const literals: string[] = [];
  const fills: { placeholder: ResolvedPlaceholder; args: string[] }[] = [];
  const problems: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, name = "", rawArgs] = match;
    const args = rawArgs === undefined ? [] : rawArgs.split(":");
    const found = placeholders.get(name);
    if (!found) {
      // Once per name, however often the text repeats it.
      const problem = Registry.unknown("placeholder", name, placeholders.keys(), (n) => `"{${n}}"`);
      if (!problems.includes(problem)) problems.push(problem);
      continue;
    }
    const argProblem = found.value.check(args);
    if (argProblem) problems.push(`placeholder "${whole}": ${argProblem}`);
    literals.push(text.slice(last, match.index));
    fills.push({ placeholder: found.value, args });
    last = match.index + whole.length;
  }
  literals.push(text.slice(last));
  if (fills.length === 0) return { ...constant, problems, hasPlaceholders: false };
  const pieces: RenderPieces = (random, span) => {
    const out = [literals[0]!];
    for (let i = 0; i < fills.length; i++) {
      const { placeholder, args } = fills[i]!;
      out.push(placeholder.generate(span ? { random, args, span } : { random, args }), literals[i + 1]!);
    }
    return out;
  };
  return { problems, hasPlaceholders: true, pieces, render: (random, span) => pieces(random, span).join("") };
}
