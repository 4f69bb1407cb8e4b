import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Problem } from "../plugin-host/errors.ts";

export type PathSegment = string | number;

/** `services[2].downstream[0]`, `templates.web.traces`, `templates["a.b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** How far yaml lets aliases expand a document: a config has no need for more; a bomb needs far more. */
const MAX_ALIAS_EXPANSION = 1000;

/** A parsed YAML document that can say where any config path came from. */
export class YamlSource {
  private constructor(
    private readonly root: unknown,
    private readonly lines: LineCounter,
    readonly data: unknown,
  ) {}

  /** Parses `text`; malformed YAML and an empty document come back as problems. */
  static parse(text: string): { source: YamlSource; problems: [] } | { source: undefined; problems: Problem[] } {
    const lines = new LineCounter();
    // logLevel "error": the yaml package would print its warnings on stderr; they are problems here instead.
    const doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      merge: true,
      uniqueKeys: true,
      logLevel: "error",
    });
    // A warning (an unknown tag, an ambiguous alias) marks YAML that does not say what was meant.
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      return {
        source: undefined,
        problems: [...doc.errors, ...doc.warnings].map((error) => {
          const { line, col } = lines.linePos(error.pos[0]);
          return { path: "", line, column: col, message: `invalid YAML: ${error.message.split("\n")[0]}` };
        }),
      };
    }
    if (doc.contents === null) {
      return {
        source: undefined,
        problems: [{ path: "", message: "the file is empty; start from one of the examples/" }],
      };
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (error) {
      // yaml refuses documents whose aliases expand past the limit (the "billion laughs" attack).
      const message = error instanceof Error ? error.message : String(error);
      if (!/alias/i.test(message)) throw error;
      return {
        source: undefined,
        problems: [{
          path: "",
          message: `its aliases (*name) expand to too much data (limit ${MAX_ALIAS_EXPANSION} uses per alias); ` +
            "write the repeated parts out or use fewer nested aliases",
        }],
      };
    }
    return { source: new YamlSource(doc.contents, lines, data), problems: [] };
  }

  /**
   * A problem at `path`. With `at: "key"` it points at the key itself (for unknown keys); a path that is
   * missing from the document points at the nearest ancestor that exists.
   */
  problem(path: readonly PathSegment[], message: string, at: "key" | "value" = "value"): Problem {
    const offset = this.offsetOf(path, at);
    const position = offset === undefined ? undefined : this.lines.linePos(offset);
    return { path: formatPath(path), line: position?.line, column: position?.col, message };
  }

  private offsetOf(path: readonly PathSegment[], at: "key" | "value"): number | undefined {
    let node: unknown = this.root;
    let offset = rangeStart(node);
    for (const [index, segment] of path.entries()) {
      const last = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) =>
          isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment)
        );
        if (!pair) return offset;
        const keyStart = rangeStart(pair.key);
        if (last && at === "key") return keyStart ?? offset;
        node = pair.value;
        offset = rangeStart(node) ?? keyStart ?? offset;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
        node = node.items[segment];
        offset = rangeStart(node) ?? offset;
      } else return offset;
    }
    return offset;
  }
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}
