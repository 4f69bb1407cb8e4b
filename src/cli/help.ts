import type { ArgDef, ArgsDef } from "citty";
import { COMMAND_HELP } from "./command-help.ts";
import { placeholder } from "./strict-args.ts";

/** What help is rendered from: a command's name as typed, its description, its arguments and subcommands. */
export interface HelpSource {
  /** As typed: `dreamweaver run`. */
  readonly path: string;
  readonly description: string;
  readonly args: ArgsDef;
  /** Name and description of each subcommand (the root only). */
  readonly commands?: readonly (readonly [string, string])[];
}

/** Bold headings and cyan flags, or plain text for pipes and NO_COLOR. */
interface Style {
  readonly heading: (text: string) => string;
  readonly flag: (text: string) => string;
}

const PLAIN: Style = { heading: (text) => text, flag: (text) => text };
const COLOUR: Style = { heading: (text) => `\x1b[1m${text}\x1b[22m`, flag: (text) => `\x1b[36m${text}\x1b[39m` };

/**
 * A command's help: usage, options (or commands), then examples and the environment variables it reads.
 * Ends with a newline.
 */
export function renderHelp(source: HelpSource, colour: boolean): string {
  const style = colour ? COLOUR : PLAIN;
  const name = source.path.split(" ").at(-1)!;
  const entries = Object.entries(source.args);
  const positionals = entries.filter(([, def]) => def.type === "positional");
  const usage = [
    source.path,
    ...(source.commands ? ["<command>"] : positionals.map(([arg, def]) => placeholder(arg, def))),
    "[options]",
  ].join(" ");
  const sections: string[][] = [[source.description], [style.heading("Usage"), `  ${usage}`]];
  if (source.commands) {
    sections.push([style.heading("Commands"), ...columns(source.commands.map(([n, d]) => [n, d]), style)]);
  }
  const options = entries.filter(([, def]) => def.type !== "positional").map(([flag, def]) => option(flag, def));
  options.push(["-h, --help", "Show this help"]);
  if (source.commands) options.push(["-v, --version", "Print the version"]);
  sections.push([style.heading("Options"), ...columns(options, style)]);
  const help = COMMAND_HELP[name];
  if (help) {
    sections.push([style.heading("Examples"), ...help.examples.map((example) => `  ${example}`)]);
    sections.push([style.heading("Environment"), ...columns(help.environment, style)]);
  }
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function option(flag: string, def: ArgDef): [string, string] {
  const value = def.type === "boolean" ? "" : ` <${def.valueHint ?? flag}>`;
  const choices = def.type === "enum" && def.options ? ` (${def.options.join(", ")})` : "";
  const fallback = def.default === undefined || def.default === false ? "" : ` (default ${String(def.default)})`;
  return [`--${flag}${value}`, `${def.description ?? ""}${choices}${fallback}`];
}

/** Two aligned columns, indented; the first is styled as flags or names. */
function columns(rows: readonly (readonly [string, string])[], style: Style): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => {
    const pad = left.length > width ? "\n" + " ".repeat(width + 4) : " ".repeat(width - left.length + 2);
    return `  ${style.flag(left)}${pad}${right}`;
  });
}
