import type { Config } from "./config.ts";
import type { ServiceGraph } from "./graph.ts";
import type { Registry } from "../plugin-host/registry.ts";

/** A config checked and resolved, with the plugins it uses and its service graph: what the engine plans from. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  readonly registry: Registry;
  readonly graph: ServiceGraph;
}
