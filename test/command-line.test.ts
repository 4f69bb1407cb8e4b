import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../src/cli/cli.ts";
import { COMMAND_HELP } from "../src/cli/command-help.ts";
import { resolveCommands } from "../src/cli/command-line.ts";
import { completionScript } from "../src/cli/completion.ts";
import { renderHelp } from "../src/cli/help.ts";
import { checkArgs, suggestFlag } from "../src/cli/strict-args.ts";
import { DreamweaverError } from "../src/plugin-host/errors.ts";
import { command, ROOT, runCli } from "./helpers/cli.ts";

const commands = await resolveCommands(cli);
const argsOf = (name: string) => commands.find((c) => c.name === name)!.args;

/** The message checkArgs throws for `rawArgs` given to `dreamweaver <name>`, or undefined when it accepts them. */
function mistake(name: string, rawArgs: string[]): string | undefined {
  try {
    checkArgs(rawArgs, argsOf(name), `dreamweaver ${name}`);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DreamweaverError);
    expect((error as DreamweaverError).code).toBe("USAGE");
    return (error as DreamweaverError).message;
  }
}

describe("arguments are checked against the command's definitions", () => {
  test("misspelt and foreign flags: a usage error with the flag meant", () => {
    expect(mistake("run", ["x.yaml", "--fsat"])).toBe(
      'dreamweaver run: unknown flag --fsat. Did you mean --fast? (see "dreamweaver run --help")',
    );
    expect(mistake("run", ["x.yaml", "--endpiont", "h:4317"])).toContain("Did you mean --endpoint?");
    expect(mistake("validate", ["x.yaml", "--otlp-endpoint", "h:4317"])).toContain("Did you mean --endpoint?");
    expect(mistake("run", ["x.yaml", "--otlp-insecure"])).toContain("Did you mean --insecure?");
    expect(mistake("run", ["x.yaml", "--otlp-header", "a=b"])).toContain("Did you mean --header?");
    expect(mistake("run", ["x.yaml", "--sed", "7"])).toContain("Did you mean --seed?");
    expect(mistake("run", ["x.yaml", "-f"])).toContain("unknown flag -f");
    expect(mistake("validate", ["x.yaml", "--fast"])).toBe(
      'dreamweaver validate: unknown flag --fast (see "dreamweaver validate --help")',
    );
  });

  test("values, enums and positionals", () => {
    expect(mistake("run", ["x.yaml", "--rate"])).toContain("--rate needs a value, e.g. --rate 500/s");
    expect(mistake("run", ["x.yaml", "--rate", "--fast"])).toContain("--rate needs a value");
    expect(mistake("graph", ["x.yaml", "--format", "dott"])).toContain(
      '--format must be mermaid or dot, not "dott". Did you mean "dot"?',
    );
    expect(mistake("run", ["x.yaml", "--protocol", "http"])).toContain("--protocol must be grpc, http/protobuf or");
    expect(mistake("validate", ["x.yaml", "y.yaml"])).toContain('unexpected argument "y.yaml"');
    expect(mistake("validate", [])).toContain("missing <config.yaml>");
    expect(mistake("run", ["x.yaml", "--fast=yes"])).toContain("--fast takes no value");
  });

  test("what is allowed: values in both forms, negated booleans, repeated flags, -- before a path", () => {
    expect(mistake("run", ["x.yaml", "--rate=5/s", "--duration", "inf", "--no-fast", "--fast=true"])).toBeUndefined();
    expect(mistake("run", ["--header", "a=1", "x.yaml", "--header", "b=2", "--protocol", "http/json"]))
      .toBeUndefined();
    expect(mistake("validate", ["--", "--odd-name.yaml"])).toBeUndefined();
    expect(mistake("explain", ["x.yaml", "--requests", "2", "--from", "4", "--seed", "s"])).toBeUndefined();
  });

  test("a flag is suggested by spelling, by its end, or as an unambiguous beginning", () => {
    const names = ["fast", "endpoint", "duration", "dry-run", "exporter", "metrics-interval"];
    expect(suggestFlag("fsat", names)).toBe("fast");
    expect(suggestFlag("otlp-endpoint", names)).toBe("endpoint");
    expect(suggestFlag("dur", names)).toBe("duration");
    expect(suggestFlag("e", names)).toBeUndefined();
    expect(suggestFlag("verbose", names)).toBeUndefined();
  });

  test("every example in the help is accepted by its command", () => {
    for (const [name, help] of Object.entries(COMMAND_HELP)) {
      for (const example of help.examples) {
        const words = example.split(/[|>#]/)[0]!.trim().replace(/^eval "\$\(/, "").replace(/\)"$/, "").split(/\s+/);
        expect(words[0]).toBe("dreamweaver");
        const named = commands.some((c) => c.name === words[1]);
        const used = named ? words[1]! : "run";
        if (name !== "dreamweaver") expect(used).toBe(name);
        expect(mistake(used, words.slice(named ? 2 : 1))).toBeUndefined();
      }
    }
  });
});

describe("help", () => {
  test("every command's help ends with examples and the environment it reads, plain unless asked", () => {
    for (const command of commands) {
      const help = renderHelp({ path: `dreamweaver ${command.name}`, ...command }, false);
      expect(help).not.toContain("\x1b[");
      expect(help).toContain(`Usage\n  dreamweaver ${command.name}`);
      const examples = help.indexOf("\nExamples\n");
      const environment = help.indexOf("\nEnvironment\n");
      expect(examples).toBeGreaterThan(0);
      expect(environment).toBeGreaterThan(examples);
      expect(help.slice(examples).split("\n").filter((line) => line.startsWith("  dreamweaver")).length)
        .toBeGreaterThanOrEqual(2);
      expect(help).toContain("NO_COLOR");
      for (const flag of Object.keys(command.args).filter((arg) => command.args[arg]!.type !== "positional")) {
        expect(help).toContain(`--${flag}`);
      }
      expect(renderHelp({ path: `dreamweaver ${command.name}`, ...command }, true)).toContain("\x1b[1mUsage");
    }
  });

  test("the commands reading a config list the OTEL_ variables", () => {
    for (const name of ["run", "validate", "explain", "graph"]) {
      const help = renderHelp({ path: `dreamweaver ${name}`, ...commands.find((c) => c.name === name)! }, false);
      expect(help).toContain("OTEL_EXPORTER_OTLP_*");
      expect(help).toContain("OTEL_RESOURCE_ATTRIBUTES");
      expect(help).toContain("OTEL_SERVICE_NAME");
    }
  });
});

describe("completion", () => {
  /** What bash offers for the words typed so far, the last being the one completed. */
  function bashComplete(words: string[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), "dreamweaver-completion-"));
    writeFileSync(join(dir, "shop.yaml"), "");
    writeFileSync(join(dir, "notes.txt"), "");
    const script = completionScript("bash", "dreamweaver", commands, "run");
    const quoted = words.map((word) => `'${word}'`).join(" ");
    const program = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _dreamweaver; ` +
      `printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = Bun.spawnSync(["bash", "-c", program], { cwd: dir });
    expect(result.stderr.toString()).toBe("");
    return result.stdout.toString().split("\n").filter(Boolean).sort();
  }

  test("bash completes commands, config files, flags and enum values", () => {
    expect(bashComplete(["dreamweaver", ""])).toEqual(
      ["completion", "explain", "graph", "init", "run", "schema", "shop.yaml", "sink", "validate"],
    );
    expect(bashComplete(["dreamweaver", "va"])).toEqual(["validate"]);
    expect(bashComplete(["dreamweaver", "run", "shop.yaml", "--fa"])).toEqual(["--fast"]);
    expect(bashComplete(["dreamweaver", "shop.yaml", "--du"])).toEqual(["--duration"]);
    expect(bashComplete(["dreamweaver", "graph", "x.yaml", "--format", ""])).toEqual(["dot", "mermaid"]);
    expect(bashComplete(["dreamweaver", "validate", "x.yaml", "--protocol", "http"])).toEqual(
      ["http/json", "http/protobuf"],
    );
    expect(bashComplete(["dreamweaver", "completion", ""])).toEqual(["bash", "fish", "zsh"]);
    expect(bashComplete(["dreamweaver", "sink", "--grpc"])).toEqual(["--grpc-port"]);
  });

  test("zsh and fish scripts name every command and flag", () => {
    for (const shell of ["zsh", "fish"] as const) {
      const script = completionScript(shell, "dreamweaver", commands, "run");
      for (const c of commands) {
        expect(script).toContain(c.name);
        for (const [flag, def] of Object.entries(c.args)) {
          if (def.type === "positional") continue;
          expect(script).toContain(shell === "zsh" ? `--${flag}[` : `-l ${flag}`);
        }
      }
    }
    const zsh = completionScript("zsh", "dreamweaver", commands, "run");
    expect(zsh).toStartWith("#compdef dreamweaver\n");
    expect(zsh).toContain("'*--header[");
    expect(zsh).toContain(":format:(mermaid dot)'");
  });
});

// Spawned, as a user runs it: exit statuses, streams and colour. Each start takes seconds on a busy machine.
const SPAWNS = 90_000;

describe("the CLI", () => {
  test("every misspelling exits 2 with a did-you-mean, before reading the config", () => {
    for (
      const [args, meant] of [
        [["examples/ecommerce.yaml", "--fsat"], "--fast"],
        [["run", "examples/ecommerce.yaml", "--otlp-endpoint", "localhost:4317"], "--endpoint"],
        [["validate", "examples/ecommerce.yaml", "--endpiont", "localhost:4317"], "--endpoint"],
        [["valdate", "examples/ecommerce.yaml"], '"validate"'],
      ] as const
    ) {
      const result = runCli([...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`Did you mean ${meant}?`);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  }, SPAWNS);

  test("every argument error exits 2, citty's checks included", () => {
    for (
      const args of [
        ["validate"],
        ["graph", "examples/ecommerce.yaml", "--format", "png"],
        ["completion", "powershell"],
        ["validate", "examples/ecommerce.yaml", "--requests", "many"],
        [],
      ]
    ) {
      expect({ args, code: runCli(args).code }).toEqual({ args, code: 2 });
    }
  }, SPAWNS);

  test("help goes to stdout without colour when it is not a terminal, NO_COLOR or not", () => {
    const help = runCli(["run", "--help"], { runtime: "bun" }, { NO_COLOR: "" });
    expect(help.code).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout).toContain("Usage\n  dreamweaver run <config.yaml> [options]");
    expect(help.stdout).toContain("Examples\n");
    expect(help.stdout).not.toContain("\x1b[");
  }, SPAWNS);

  test("on a terminal, help is coloured unless NO_COLOR is set", () => {
    const onTerminal = (noColor: string) => {
      // `script` gives the CLI a pseudo-terminal as stdout.
      const line = [...command({ runtime: "bun" }), "--help"].map((word) => `'${word}'`).join(" ");
      const result = Bun.spawnSync(["script", "-qec", line, "/dev/null"], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: noColor, TERM: "xterm" },
      });
      return result.stdout.toString();
    };
    expect(onTerminal("")).toContain("\x1b[1mUsage");
    expect(onTerminal("1")).toContain("Usage");
    expect(onTerminal("1")).not.toContain("\x1b[1m");
  }, SPAWNS);

  test("--seed changes the output; the same seed and start time repeat it", () => {
    const sample = (...flags: string[]) =>
      runCli([
        "run",
        "examples/ecommerce.yaml",
        "--dry-run",
        "--fast",
        "--start-time",
        "2026-01-01T00:00:00Z",
        ...flags,
      ]);
    const first = sample();
    expect(first.code).toBe(0);
    expect(sample().stdout).toBe(first.stdout);
    const reseeded = sample("--seed", "another");
    expect(reseeded.code).toBe(0);
    expect(reseeded.stdout).not.toBe(first.stdout);
  }, SPAWNS);

  test("completion prints a script for each shell", () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const result = runCli(["completion", shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("dreamweaver");
    }
    const bash = runCli(["completion", "bash"]).stdout;
    expect(Bun.spawnSync(["bash", "-n", "-c", bash]).exitCode).toBe(0);
  }, SPAWNS);
});
