#!/usr/bin/env bun
import { main } from "./cli.ts";
import { argv } from "./host.ts";
import { exposePublicApi } from "./runtime.ts";

exposePublicApi();
await main(argv());
