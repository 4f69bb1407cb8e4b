// `npm run build`: the package as npm ships it, into dist/. JavaScript for Node >= 20, Bun and Deno
// (bundled per entry point with shared chunks, dependencies left as imports, source maps into src/),
// `.d.ts` declarations of the public API and of `dreamweaver/testing`, and the config's JSON Schema.
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "../src/config/json-schema.ts";

const ROOT = join(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
const ENTRY_POINTS = ["src/cli/main.ts", "src/index.ts", "src/testing/index.ts"];
const BIN = join(DIST, "cli", "main.js");

rmSync(DIST, { recursive: true, force: true });

const result = await Bun.build({
  entrypoints: ENTRY_POINTS.map((entry) => join(ROOT, entry)),
  root: join(ROOT, "src"),
  outdir: DIST,
  target: "node",
  format: "esm",
  // Shared chunks: the CLI, the public API a plugin imports and the testing entry are one module graph,
  // and commands stay lazily loaded.
  splitting: true,
  packages: "external",
  sourcemap: "linked",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}

// The bin runs on Node (npx, or bunx, which follows the shebang); the source's shebang names Bun, and
// Bun marks the file as its own. Lines are replaced, not removed, so that the source map still fits.
const bin = readFileSync(BIN, "utf8").replace(
  /^#!.*\n(?:\/\/ @bun\n)?/,
  (head) => head.includes("@bun") ? "#!/usr/bin/env node\n\n" : "#!/usr/bin/env node\n",
);
writeFileSync(BIN, bin);
chmodSync(BIN, 0o755);

const tsc = Bun.spawnSync([join(ROOT, "node_modules", ".bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json")], {
  stdout: "inherit",
  stderr: "inherit",
});
if (tsc.exitCode !== 0) process.exit(tsc.exitCode ?? 1);

writeFileSync(join(DIST, "config.schema.json"), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`built ${DIST}: ${result.outputs.filter((o) => o.kind !== "sourcemap").length} modules`);
