// The generator against its floor, side by side in one run: `bun bench/compare.ts [example.yaml ...]` (or
// `deno run -A bench/compare.ts ...`), default marketplace and platform, SPANS spans per run (2,000,000).
//
// Per example, in alternating rounds (ROUNDS, 3): the project generating and encoding the example with
// export off (bench/generate.ts), a bare protobuf byte writer encoding as many spans of the same size
// (bench/floor-writer.ts: the size is the project's bytes of all signals per span, since the project
// writes its logs and metrics too), and the OpenTelemetry JS SDK creating and serializing such spans when
// it is installed (bench/otel-sdk.ts). Prints one JSON line per example with the medians and the ratios to
// the floor, by wall time and by CPU time (the latter less disturbed by other work on the machine).
import { writeFloorSpans } from "./floor-writer.ts";
import { generateSpans } from "./generate.ts";
import { median, RUNTIME, timed } from "./measure.ts";
import { otelSdkSpans } from "./otel-sdk.ts";

const examples = process.argv.slice(2);
const SPANS = Number(process.env.SPANS ?? 2_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

for (const example of examples.length > 0 ? examples : ["marketplace.yaml", "platform.yaml"]) {
  const project: Rates[] = [];
  const floor: Rates[] = [];
  const sdk: Rates[] = [];
  let bytesPerSpan = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const generated = await generateSpans(example, SPANS);
    bytesPerSpan = generated.bytesPerSpan;
    project.push({ wall: generated.spansPerSecond, cpu: generated.spansPerCpuSecond });
    const [, floorTime] = await timed(() => writeFloorSpans(generated.spans, bytesPerSpan));
    floor.push(rates(generated.spans, floorTime));
    // The SDK is much slower: a tenth of the spans gives its rate as well.
    const sdkSpans = Math.ceil(generated.spans / 10);
    const [sdkBytes, sdkTime] = await timed(() => otelSdkSpans(sdkSpans, bytesPerSpan));
    if (sdkBytes !== undefined) sdk.push(rates(sdkSpans, sdkTime));
  }
  const medians = (list: Rates[]) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) });
  const [p, f] = [medians(project), medians(floor)];
  const s = sdk.length > 0 ? medians(sdk) : undefined;
  console.log(JSON.stringify({
    benchmark: "generator vs a bare byte writer (floor) and the OpenTelemetry JS SDK, spans/s, medians",
    example,
    runtime: RUNTIME,
    rounds: ROUNDS,
    bytesPerSpan,
    project: p,
    floor: f,
    ...(s && { otelSdk: s }),
    ratioToFloor: { wall: ratio(p.wall, f.wall), cpu: ratio(p.cpu, f.cpu) },
    ...(s && { sdkRatioToFloor: { wall: ratio(s.wall, f.wall), cpu: ratio(s.cpu, f.cpu) } }),
  }));
}

interface Rates {
  readonly wall: number;
  readonly cpu: number;
}

function rates(spans: number, time: { wallSeconds: number; cpuSeconds: number }): Rates {
  return { wall: Math.round(spans / time.wallSeconds), cpu: Math.round(spans / time.cpuSeconds) };
}

function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}
