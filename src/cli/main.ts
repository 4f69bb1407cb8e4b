#!/usr/bin/env bun
import { aliasModule } from "../runtime/module-alias.ts";
import { main } from "./cli.ts";
import { argv } from "./host.ts";

// A plugin's `import ... from "dreamweaver"` gets this running copy of the API, never a second one; it
// is loaded when a plugin first imports it, so `--version` and `--help` never do.
aliasModule("dreamweaver", () => import("../index.ts"));
await main(argv());
