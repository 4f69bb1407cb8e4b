import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { ROOT, runCli } from "./helpers/cli.ts";

// The documents a newcomer walks: every link in them must lead somewhere, and every repository path they name in
// code must exist, so that moving a file without updating the docs fails here.
const DOCUMENTS = [
  "README.md",
  "ARCHITECTURE.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`),
];

const README_LIMIT_BYTES = 12 * 1024;
const MAX_LINE = 120;

/** Repository paths written as a whole code span, e.g. `src/cli/main.ts` or `plugins/span-kinds/`. */
const REPO_PATH = /^(?:src|plugins|test|bench|examples|deploy|proto|docs|\.ci)\/[\w./-]*$/;

/** The text without fenced code blocks (their lines left empty, so line numbers stay). */
function prose(text: string): string {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  }).join("\n");
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

/** Every relative link of `file` (repository-relative) whose target or #anchor does not exist. */
function brokenLinks(file: string, markdown: string): string[] {
  const problems: string[] = [];
  const own = anchors(markdown);
  for (const [index, line] of prose(markdown).split("\n").entries()) {
    // Code spans hold no links, but `[`x`](y)` is a link whose text is code.
    const text = line.replace(/`[^`]+`/g, "code");
    for (const [, , target] of text.matchAll(/\[([^\]]*)\]\(([^)\s]*)\)/g)) {
      if (/^[a-z][a-z+.-]*:/i.test(target!)) continue;
      const [path, anchor] = target!.split("#", 2) as [string, string | undefined];
      const resolved = path === "" ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path));
      const where = `${file}:${index + 1}: ${target}`;
      if (!existsSync(resolved)) {
        problems.push(`${where}: no such file`);
      } else if (anchor !== undefined) {
        const isMarkdown = statSync(resolved).isFile() && resolved.endsWith(".md");
        const headings = path === "" ? own : isMarkdown ? anchors(readFileSync(resolved, "utf8")) : new Set();
        if (!headings.has(anchor)) {
          problems.push(`${where}: no heading #${anchor} in ${relative(ROOT, resolved)}`);
        }
      }
    }
  }
  return problems;
}

/** Repository paths named in code spans that do not exist. */
function missingPaths(file: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const [index, line] of prose(markdown).split("\n").entries()) {
    for (const [, span] of line.matchAll(/`([^`]+)`/g)) {
      if (!REPO_PATH.test(span!)) continue;
      if (!existsSync(join(ROOT, span!))) problems.push(`${file}:${index + 1}: ${span} does not exist`);
    }
  }
  return problems;
}

function read(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

describe.each(DOCUMENTS)("%s", (file) => {
  test("every relative link resolves, #anchors included", () => {
    expect(brokenLinks(file, read(file))).toEqual([]);
  });

  test("every repository path named in code exists", () => {
    expect(missingPaths(file, read(file))).toEqual([]);
  });

  test(`no line outside code blocks is longer than ${MAX_LINE} characters`, () => {
    const long = prose(read(file)).split("\n").flatMap((line, i) =>
      line.length > MAX_LINE ? [`${file}:${i + 1}: ${line.length}`] : []
    );
    expect(long).toEqual([]);
  });
});

test("the link check catches a missing file, a missing heading and a broken anchor in the same file", () => {
  const markdown = [
    "# Title",
    "[fine](docs/configuration.md#output) [fine too](#title) `[not a link](nowhere.md)`",
    "[gone](docs/no-such-page.md) [bad heading](docs/configuration.md#no-such-field) [bad here](#nothing)",
    "```",
    "[inside a code block](nowhere.md)",
    "```",
  ].join("\n");
  expect(brokenLinks("README.md", markdown)).toEqual([
    "README.md:3: docs/no-such-page.md: no such file",
    "README.md:3: docs/configuration.md#no-such-field: no heading #no-such-field in docs/configuration.md",
    "README.md:3: #nothing: no heading #nothing in README.md",
  ]);
});

test(`README.md is under ${README_LIMIT_BYTES} bytes`, () => {
  expect(statSync(join(ROOT, "README.md")).size).toBeLessThan(README_LIMIT_BYTES);
});

test("README.md opens with the two commands that work on a fresh machine: a run into the built-in receiver, the tests", () => {
  const lines = read("README.md").split("\n").filter((line) => line.trim() !== "");
  expect(lines[0]).toStartWith("# ");
  expect(lines[1]).toBe("```bash");
  const run = /^npm ci && npx bun (\S+) (\S+\.yaml) --sink\s/.exec(lines[2]!);
  expect(run).not.toBeNull();
  const [, entry, example] = run!;
  expect(existsSync(join(ROOT, entry!))).toBe(true);
  expect(existsSync(join(ROOT, example!))).toBe(true);
  expect(JSON.parse(read("package.json")).scripts.dreamweaver).toBe(`bun ${entry}`);
  expect(lines[3]).toMatch(/^npm ci && npm test\s/);
  expect(lines[4]).toBe("```");
});

// A new user's first run should show its result quickly, not after minutes of progress line.
test("the README's first command is accepted and its run lasts at most 20 seconds", () => {
  const line = read("README.md").split("\n").find((text) => text.startsWith("npm ci && npx bun "))!;
  const [example, ...flags] = line.split("#")[0]!.trim().split(/\s+/).slice(6);
  expect(flags).toContain("--sink");
  // `--sink` is run's own; validate takes every other flag of the line, strictly.
  const result = runCli(["validate", example!, ...flags.filter((flag) => flag !== "--sink"), "--json"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const { workload } = JSON.parse(result.stdout);
  const seconds = Math.min(workload.durationSeconds, (workload.maxRequests ?? Infinity) / workload.ratePerSecond);
  expect(seconds).toBeLessThanOrEqual(20);
}, 60_000);

// Starts the CLI, which takes seconds rather than milliseconds on a busy machine.
test("the README's minimal config is valid", () => {
  const yaml = /^## A minimal config\n+```yaml\n([\s\S]*?)^```$/m.exec(read("README.md"))?.[1];
  expect(yaml).toBeDefined();
  const file = join(mkdtempSync(join(tmpdir(), "dreamweaver-docs-")), "minimal.yaml");
  writeFileSync(file, yaml!);
  const result = runCli(["validate", file]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}, 20_000);
