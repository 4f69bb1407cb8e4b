// Generation and encoding speed, exporting switched off: `bun bench/generate.ts [example.yaml ...]`.
// Prints one JSON line per example. Runs unpaced on one thread with the null exporter, so the figure is
// what the generator alone can do.
import { run } from "../src/run/run.ts";
import { exampleSettings, fastRequests } from "./settings.ts";

const examples = process.argv.slice(2);
const SPANS_PER_RUN = 2_000_000;

for (const example of examples.length > 0 ? examples : ["ecommerce.yaml", "marketplace.yaml"]) {
  // Enough requests for about two million spans, whatever the example's own rate and duration.
  const probe = await generate(example, 1000);
  const requests = Math.ceil(SPANS_PER_RUN / (probe.spans / probe.requests));
  const result = await generate(example, requests);
  console.log(JSON.stringify({
    benchmark: "generate+encode, no export",
    example,
    requests: result.requests,
    spans: result.spans,
    logRecords: result.logRecords,
    dataPoints: result.dataPoints,
    megabytes: Math.round(result.bytes / 1e5) / 10,
    seconds: result.elapsedSeconds,
    spansPerSecond: Math.round(result.spans / result.elapsedSeconds),
    runtime: typeof Bun === "undefined" ? "deno" : `bun ${Bun.version}`,
  }));
}

async function generate(example: string, requests: number) {
  const settings = await exampleSettings(example, { ...fastRequests(requests), exporters: ["none"] });
  return run(settings, { drainMs: 1000 });
}
