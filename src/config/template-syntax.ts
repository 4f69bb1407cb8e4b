// Placeholders written the way other template languages write them would otherwise go out verbatim:
// `{{ user_id }}` (Helm, Jinja, Mustache) and `{ user_id }` (braces with spaces) are config errors that
// show the syntax meant. A spaced form is a mistake only around a known placeholder's name: braces with
// spaces around other words may well be text.

const DOUBLE = /\{\{([^{}]*)\}\}/g;
const SPACED = /\{(\s*)([A-Za-z][\w-]*(?:\/[A-Za-z][\w-]*)?)(:[^{}]*?)?(\s*)\}/g;

/**
 * What in `text` is written in another template language's syntax, one message per distinct mistake;
 * `isPlaceholder` says whether a name is a known placeholder.
 */
export function foreignTemplateSyntax(text: string, isPlaceholder: (name: string) => boolean): string[] {
  const messages = new Set<string>();
  for (const [whole, inside = ""] of text.matchAll(DOUBLE)) {
    const name = /^[\s.$]*([A-Za-z][\w-]*(?:\/[A-Za-z][\w-]*)?)/.exec(inside)?.[1];
    const meant = name !== undefined && isPlaceholder(name)
      ? `write "{${name}}"`
      : 'placeholders are written "{name}", e.g. "{user_id}"';
    messages.add(`"${whole}" is Helm/Jinja syntax, which is not read here; ${meant}`);
  }
  for (const [whole, before = "", name = "", args = "", after = ""] of text.replace(DOUBLE, "").matchAll(SPACED)) {
    if ((before === "" && after === "") || !isPlaceholder(name)) continue;
    messages.add(`"${whole}" has spaces inside its braces; write "{${name}${args}}"`);
  }
  return [...messages];
}
