// Generation and encoding speed, exporting switched off: `bun bench/generate.ts [example.yaml ...]` (or
// `deno run -A bench/generate.ts ...`). Prints one JSON line per example. Runs unpaced on one thread with the
// null exporter, so the figure is what the generator alone can do; `cpuSeconds` is the process's CPU time
// over the run, which other work on the machine disturbs less than the wall time.
import { run } from "../src/run/run.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings, fastRequests } from "./settings.ts";

const examples = process.argv.slice(2);
const SPANS_PER_RUN = Number(process.env.SPANS ?? 2_000_000);

// bench/compare.ts imports generateSpans: run the examples only when started as the bench itself.
if (import.meta.main) {
  for (const example of examples.length > 0 ? examples : ["ecommerce.yaml", "marketplace.yaml"]) {
    console.log(JSON.stringify(await generateSpans(example, SPANS_PER_RUN)));
  }
}

/** Generates about `spans` spans of an example, unpaced, exporting nothing; its figures as one object. */
export async function generateSpans(example: string, spans: number) {
  // Enough requests for about `spans` spans, whatever the example's own rate and duration.
  const probe = await generate(example, 1000);
  const requests = Math.ceil(spans / (probe.spans / probe.requests));
  const [result, timing] = await timed(() => generate(example, requests));
  return {
    benchmark: "generate+encode, no export",
    example,
    requests: result.requests,
    spans: result.spans,
    logRecords: result.logRecords,
    dataPoints: result.dataPoints,
    megabytes: Math.round(result.bytes / 1e5) / 10,
    bytesPerSpan: Math.round(result.bytes / result.spans),
    seconds: result.elapsedSeconds,
    cpuSeconds: timing.cpuSeconds,
    spansPerSecond: Math.round(result.spans / result.elapsedSeconds),
    spansPerCpuSecond: Math.round(result.spans / timing.cpuSeconds),
    runtime: RUNTIME,
  };
}

function generate(example: string, requests: number) {
  return exampleSettings(example, { ...fastRequests(requests), exporters: ["none"] }).then((settings) =>
    run(settings, { drainMs: 1000 })
  );
}
