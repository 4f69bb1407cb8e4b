#!/usr/bin/env bun
import { main } from "./cli.ts";
import { argv } from "./host.ts";

await main(argv());
