// The only module allowed to know which runtime it is on (Bun, Deno or Node).
import * as publicApi from "./index.ts";

interface BunGlobal {
  plugin(plugin: {
    name: string;
    setup(builder: { module(specifier: string, load: () => { exports: object; loader: "object" }): unknown }): void;
  }): void;
}

/**
 * Makes `import ... from "dreamweaver"` in a user's plugin file resolve to this running copy of the
 * public API. The standalone binary needs it (nothing outside the binary can resolve its bundled
 * modules), and it keeps a plugin from loading a second copy of the API next to the one running it.
 * Deno and Node resolve the name through node_modules as usual.
 */
export function exposePublicApi(): void {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  bun?.plugin({
    name: "dreamweaver-public-api",
    setup(builder) {
      builder.module("dreamweaver", () => ({ exports: publicApi, loader: "object" }));
    },
  });
}
