// Bun's module hook, so that plugin files resolve a bare specifier to a module object we already hold.

interface BunGlobal {
  plugin(plugin: {
    name: string;
    setup(builder: {
      module(specifier: string, load: () => Promise<{ exports: object; loader: "object" }>): unknown;
    }): void;
  }): void;
}

/**
 * Makes `import ... from specifier` in files loaded later resolve to the module `load` gives, loaded
 * only when first imported (so that a command without plugins never loads it). On Bun only: the
 * standalone binary needs it (nothing outside the binary can resolve its bundled modules). Deno and
 * Node resolve names through node_modules as usual, so elsewhere this does nothing.
 */
export function aliasModule(specifier: string, load: () => Promise<object>): void {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  bun?.plugin({
    name: `alias:${specifier}`,
    setup(builder) {
      builder.module(specifier, async () => ({ exports: await load(), loader: "object" }));
    },
  });
}
