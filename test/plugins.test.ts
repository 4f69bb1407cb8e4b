import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { builtinPlugins } from "../plugins/index.ts";
import placeholders from "../plugins/placeholders/index.ts";
import spanKinds from "../plugins/span-kinds/index.ts";
import { Registry } from "../src/plugin-host/registry.ts";
import { hashSeed, requestRandom } from "../src/engine/seed.ts";
import { compileText } from "../src/config/text-template.ts";
import { checkPlugin } from "../src/testing/index.ts";
import orderIds from "./fixtures/order-ids-plugin.ts";
import { loadYaml, problemsOf, VALID } from "./helpers/config.ts";

const FIXTURES = join(import.meta.dir, "fixtures");

// Every built-in plugin passes the suites a third party runs (exporters against a live receiver are in
// exporters.test.ts); network exporters meet an endpoint nothing listens on here.
describe("conformance", () => {
  for (const plugin of [...builtinPlugins, orderIds]) {
    test(plugin.name, () => checkPlugin(plugin));
  }
});

test("built-in span kinds map to the OTLP kinds", () => {
  const kinds = Object.fromEntries(Object.entries(spanKinds.spanKinds).map(([name, kind]) => [name, kind.otlpKind]));
  expect(kinds).toEqual({ server: 2, client: 3, producer: 4, consumer: 5, internal: 1 });
});

describe("built-in placeholders fill the seed's documented ranges", () => {
  const registry = new Registry([{ plugin: placeholders, builtin: true }]);
  const samples = (pattern: string, n = 5000) => {
    const { render, problems } = compileText(pattern, registry.placeholders);
    expect(problems).toEqual([]);
    return Array.from({ length: n }, (_, i) => render(requestRandom(hashSeed("ranges"), i)));
  };
  test("{ip} is an IPv4 address", () => {
    for (const ip of samples("{ip}")) {
      const octets = ip.split(".").map(Number);
      expect(octets).toHaveLength(4);
      for (const octet of octets) expect(octet >= 0 && octet <= 255).toBe(true);
    }
  });
  test("{duration} is 1 to 500, both reached", () => {
    const values = samples("{duration}", 20_000).map(Number);
    expect(Math.min(...values)).toBe(1);
    expect(Math.max(...values)).toBe(500);
  });
  test("{user_id} is 1000 to 9999, both reached", () => {
    const values = samples("{user_id}", 100_000).map(Number);
    expect(Math.min(...values)).toBe(1000);
    expect(Math.max(...values)).toBe(9999);
  });
  test("{request_id} is 16 hex digits", () => {
    for (const id of samples("{request_id}")) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });
  test("{error} is an error message", () => {
    expect(new Set(samples("{error}")).size).toBeGreaterThan(5);
  });
  test("text around placeholders is kept, and braces that are not placeholders are text", () => {
    expect(samples('user {user_id} sent {"ok": true} in {duration}ms', 1)[0]).toMatch(
      /^user \d{4} sent \{"ok": true\} in \d+ms$/,
    );
  });
});

describe("third-party plugins", () => {
  const config = (pluginLine: string) =>
    VALID.replace('seed: "test"', `seed: "test"\n${pluginLine}`)
      .replace("request from {ip}", "order {shop/order_id} from {ip}")
      .replace("span_kind: client", "span_kind: shop/lambda");

  test("a plugin listed in the config, by path relative to the config, is loaded and used", async () => {
    const { registry, config: loaded } = await loadYaml(config(`plugins: [${join(FIXTURES, "order-ids-plugin.ts")}]`));
    expect(registry.plugins.map((p) => p.name)).toContain("shop");
    const pieces = loaded.templates.get("web")!.logs[0]!.pieces[0]!;
    expect(pieces(requestRandom(hashSeed("x"), 0)).join("")).toMatch(/^order ORD-\d{6} from [\d.]+$/);
  });

  test("--plugin loads a plugin from the command line", async () => {
    const { registry } = await loadYaml(config(""), [join(FIXTURES, "order-ids-plugin.ts")]);
    expect(registry.spanKinds.get("shop/lambda")?.plugin).toBe("shop");
  });

  test("without the plugin, its names are unknown and the error lists what is known", async () => {
    const problems = await problemsOf(config(""));
    expect(problems).toContain(
      'templates.web.logs[0].patterns[0] (line 9:20): unknown placeholder "{shop/order_id}". Known: "{amount}", "{choice}", "{duration}", "{duration_ms}", "{email}", "{error}", "{hex}", "{hostname}", "{http_method}", "{int}", "{ip}", "{request_id}", "{slug}", "{span}", "{span_name}", "{status_code}", "{url_path}", "{user_agent}", "{user_id}", "{uuid}" or "{word}".',
    );
    expect(
      problems.some((p) => p.startsWith('templates.db.traces.span_kind (line 12:18): unknown span kind "shop/lambda"')),
    ).toBe(
      true,
    );
  });

  test("a plugin that cannot be found is a located config error", async () => {
    expect(await problemsOf(config("plugins: [./no-such-plugin.ts]"))).toEqual([
      expect.stringMatching(/^plugins\[0\] \(line 2:11\): cannot load plugin "\.\/no-such-plugin\.ts": /),
    ]);
  });

  test("a malformed plugin is reported with every mistake, naming the plugin", async () => {
    const problems = await problemsOf(config(""), [join(FIXTURES, "broken-plugin.ts")]).catch((e) => [String(e)]);
    expect(problems).toEqual(['plugins: plugin name "Broken Plugin" must be lowercase kebab-case, e.g. "acme"']);
  });

  test("a placeholder that throws names its plugin", () => {
    const registry = new Registry([{
      plugin: {
        name: "flaky",
        placeholders: {
          bad: () => {
            throw new Error("boom");
          },
        },
      },
      builtin: false,
    }]);
    const { render } = compileText("{flaky/bad}", registry.placeholders);
    expect(() => render(requestRandom(hashSeed("x"), 0))).toThrow(
      'plugin "flaky": placeholder "{flaky/bad}" generate failed: boom',
    );
  });

  test("two plugins may not claim the same name, nor a built-in's; the same module twice is used once", () => {
    const other = { ...orderIds };
    expect(() => new Registry([{ plugin: orderIds, builtin: false }, { plugin: other, builtin: false }])).toThrow(
      'two different plugins are named "shop"; a plugin\'s name must be unique',
    );
    const builtin = { plugin: { name: "shop" }, builtin: true };
    expect(() => new Registry([builtin, { plugin: orderIds, builtin: false }])).toThrow(
      'plugin "shop" has the name of a built-in plugin; give it a name of its own',
    );
    const twice = new Registry([{ plugin: orderIds, builtin: false }, { plugin: orderIds, builtin: false }]);
    expect(twice.plugins).toEqual([orderIds]);
  });
});
