import { expect, test } from "bun:test";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { ResourceLogsSchema } from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import { ResourceSpansSchema, SpanSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { LogRecordSchema } from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import type { ExportRequest } from "../src/plugin-host/plugin.ts";
import { WARM_UP_RATE } from "../src/run/warm-up.ts";
import { PACED_START_LEAD_US } from "../src/run/run.ts";
import { captureExports, FIXED_START_US, loadExample, runFast } from "./helpers/run.ts";
import { virtualClock } from "./helpers/virtual-clock.ts";

/** Every span and log record sent, each as its own bytes, sorted: the content whatever the batching. */
function records(requests: readonly ExportRequest[]): string[] {
  const out: string[] = [];
  for (const request of requests) {
    for (const bytes of request.resources) {
      if (request.signal === "traces") {
        for (const scope of fromBinary(ResourceSpansSchema, bytes).scopeSpans) {
          for (const span of scope.spans) out.push(Buffer.from(toBinary(SpanSchema, span)).toString("hex"));
        }
      } else if (request.signal === "logs") {
        for (const scope of fromBinary(ResourceLogsSchema, bytes).scopeLogs) {
          for (const log of scope.logRecords) out.push(Buffer.from(toBinary(LogRecordSchema, log)).toString("hex"));
        }
      }
    }
  }
  return out.sort();
}

test("a paced run that warms up first sends exactly the spans and logs of the same run unpaced", async () => {
  const flags = { rate: `${2 * WARM_UP_RATE}/s`, duration: "1s" };
  const pacedSettings = await loadExample("ecommerce.yaml", flags);
  const paced = captureExports(pacedSettings);
  // A paced run's schedule starts a moment after the command: the clock is set so that it starts when the fast one does.
  const clock = virtualClock(FIXED_START_US - PACED_START_LEAD_US);
  await runFast(pacedSettings, { fast: false, exporter: "capture", clock });
  const fastSettings = await loadExample("ecommerce.yaml", flags);
  const fast = captureExports(fastSettings);
  await runFast(fastSettings, { exporter: "capture" });
  const sent = records(paced);
  expect(sent.length).toBeGreaterThan(2 * WARM_UP_RATE);
  expect(sent).toEqual(records(fast));
});
