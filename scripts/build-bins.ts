// `npm run build:bins`: a standalone binary for every target Bun compiles to, into release/, each beside
// a `.sha256` file (`sha256sum -c` reads it); then the host's binary is smoke-tested. Bun fetches the
// other targets' runtimes from the npm registry; a target it cannot fetch is reported and the rest built.
// `--host` builds the host's binary only (`npm run build:bin`).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { compile, hostTarget, ROOT, type Target, TARGETS } from "./compile.ts";

const RELEASE = join(ROOT, "release");
const host = hostTarget();
const targets = process.argv.includes("--host") ? [host] : TARGETS;

mkdirSync(RELEASE, { recursive: true });
const failed: Target[] = [];
for (const target of targets) {
  const outfile = join(RELEASE, `dreamweaver-${target}${target.startsWith("windows") ? ".exe" : ""}`);
  const started = performance.now();
  const result = compile(target, outfile);
  if (!result.ok) {
    failed.push(target);
    console.error(`${target}: not built: ${result.error.split("\n").at(-1)}`);
    continue;
  }
  const sha256 = createHash("sha256").update(readFileSync(outfile)).digest("hex");
  writeFileSync(`${outfile}.sha256`, `${sha256}  ${basename(outfile)}\n`);
  console.log(`${basename(outfile)}  ${sha256}  ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

if (!failed.includes(host) && targets.includes(host)) smokeTest(join(RELEASE, `dreamweaver-${host}`));
if (failed.length > 0) {
  console.error(`not built: ${failed.join(", ")}`);
  process.exit(1);
}

/** The host's binary answers --version, validates an example and runs it into its built-in receiver. */
function smokeTest(binary: string): void {
  const example = join(ROOT, "examples", "ecommerce.yaml");
  const checks: [string[], (stdout: string) => boolean][] = [
    [["--version"], (stdout) => stdout.trim() === packageJson.version],
    [["validate", example], (stdout) => stdout.includes(": valid")],
    [
      ["run", example, "--sink", "--fast", "--duration", "5s", "--json"],
      (out) => JSON.parse(out).receiver.violations === 0,
    ],
  ];
  for (const [args, ok] of checks) {
    const result = Bun.spawnSync([binary, ...args], { stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0 || !ok(result.stdout.toString())) {
      console.error(`smoke test failed: ${basename(binary)} ${args.join(" ")}\n${result.stderr.toString()}`);
      process.exit(1);
    }
  }
  console.log(`smoke test passed: ${basename(binary)} --version, validate, run --sink`);
}
