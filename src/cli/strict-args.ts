// citty ignores flags it does not know, so `--fsat` or `--endpiont` would quietly change nothing. Every
// command's raw arguments are checked here against its definitions before citty parses them: an unknown
// flag, a flag without its value, a value outside an enum's options or a stray argument is a usage error
// (exit 2) that names it and, when one is close, the flag or value that was meant.
import type { ArgDef, ArgsDef } from "citty";
import { badCommandLine } from "../plugin-host/messages.ts";
import { closest } from "../plugin-host/suggest.ts";

/**
 * Throws a USAGE DreamweaverError for the first argument `args` (the definitions of `command`, e.g.
 * `dreamweaver run`) does not accept. `--` ends the flags; a boolean may be written `--no-name`.
 */
export function checkArgs(rawArgs: readonly string[], args: ArgsDef, command: string): void {
  const positionals = Object.entries(args).filter(([, def]) => def.type === "positional");
  let given = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") {
      given += rawArgs.length - i - 1;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (given >= positionals.length) throw badCommandLine(command, `unexpected argument "${arg}"`);
      given++;
      continue;
    }
    const equals = arg.indexOf("=");
    const written = equals < 0 ? arg : arg.slice(0, equals);
    const value = equals < 0 ? undefined : arg.slice(equals + 1);
    const [name, def] = findFlag(written, args) ?? throwUnknown(command, written, args);
    if (def.type === "boolean") {
      if (value !== undefined && value !== "true" && value !== "false") {
        throw badCommandLine(command, `${written} takes no value (was "${value}")`);
      }
      continue;
    }
    const next = rawArgs[i + 1];
    if (value === undefined && (next === undefined || next.startsWith("--"))) {
      throw badCommandLine(command, `${written} needs a value, e.g. ${written} ${example(name, def)}`);
    }
    if (value === undefined) i++;
    checkOption(command, written, value ?? next!, def);
  }
  const missing = positionals.slice(given).find(([, def]) => def.required !== false && def.default === undefined);
  if (missing) throw badCommandLine(command, `missing ${placeholder(missing[0], missing[1])}`);
}

/** The flags of `args` as written on the command line: `--name`. */
export function flagNames(args: ArgsDef): string[] {
  return Object.entries(args).filter(([, def]) => def.type !== "positional").map(([name]) => `--${name}`);
}

/** `<config.yaml>`: how a positional argument is shown in usage lines and messages. */
export function placeholder(name: string, def: ArgDef): string {
  return `<${def.valueHint ?? name}>`;
}

function findFlag(written: string, args: ArgsDef): [string, ArgDef] | undefined {
  if (!written.startsWith("--")) return undefined;
  const name = written.slice(2);
  const def = args[name];
  if (def && def.type !== "positional") return [name, def];
  const negated = name.startsWith("no-") ? args[name.slice(3)] : undefined;
  return negated?.type === "boolean" ? [name.slice(3), negated] : undefined;
}

function checkOption(command: string, flag: string, value: string, def: ArgDef): void {
  if (def.type !== "enum" || !def.options || def.options.includes(value)) return;
  const near = closest(value, def.options);
  const hint = near === undefined ? "" : `. Did you mean "${near}"?`;
  const options = `${def.options.slice(0, -1).join(", ")} or ${def.options.at(-1)}`;
  throw badCommandLine(command, `${flag} must be ${options}, not "${value}"${hint}`);
}

function throwUnknown(command: string, written: string, args: ArgsDef): never {
  const near = suggestFlag(written.replace(/^-+/, ""), flagNames(args).map((flag) => flag.slice(2)));
  const hint = near === undefined ? "" : `. Did you mean --${near}?`;
  throw badCommandLine(command, `unknown flag ${written}${hint}`);
}

/**
 * The flag a mistyped `input` most likely meant: a close spelling (`fsat`), or a known flag that ends the
 * input (`otlp-endpoint`, as other tools spell it) or that it abbreviates unambiguously (`dur`).
 */
export function suggestFlag(input: string, names: readonly string[]): string | undefined {
  const near = closest(input, names);
  if (near !== undefined) return near;
  const ending = names.filter((name) => input.endsWith(`-${name}`) || input.endsWith(`_${name}`));
  if (ending.length > 0) return ending.sort((a, b) => b.length - a.length)[0];
  const starting = names.filter((name) => name.startsWith(input));
  return starting.length === 1 ? starting[0] : undefined;
}

function example(name: string, def: ArgDef): string {
  if (def.type === "enum" && def.options?.length) return def.options[0]!;
  return def.valueHint ?? `<${name}>`;
}
