#!/usr/bin/env bun
import { workerData } from "node:worker_threads";
import { aliasModule } from "../runtime/module-alias.ts";
import { main } from "./cli.ts";
import { argv } from "./host.ts";
import { isWorkerTask } from "./worker-messages.ts";

// A plugin's `import ... from "dreamweaver"` gets this running copy of the API, never a second one; it
// is loaded when a plugin first imports it, so `--version` and `--help` never do.
aliasModule("dreamweaver", () => import("../index.ts"));
// `--workers` starts this same entry in worker threads, each to run one shard.
if (isWorkerTask(workerData)) await (await import("./run-worker.ts")).serveWorker();
else await main(argv());
