#!/usr/bin/env bun
import * as publicApi from "../index.ts";
import { aliasModule } from "../runtime/module-alias.ts";
import { main } from "./cli.ts";
import { argv } from "./host.ts";

// A plugin's `import ... from "dreamweaver"` gets this running copy of the API, never a second one.
aliasModule("dreamweaver", publicApi);
await main(argv());
