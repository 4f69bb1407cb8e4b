import { expect, test } from "bun:test";
import { encodeExportRequest } from "../src/otlp/encode.ts";
import { captureExports, loadExample, runFast } from "./helpers/run.ts";

test("each export request is written once: its resources are views of it, framed for gRPC without another copy", async () => {
  const settings = await loadExample("marketplace.yaml");
  const requests = captureExports(settings);
  await runFast(settings, { requests: 300, exporter: "capture" });
  expect(new Set(requests.map((r) => r.signal))).toEqual(new Set(["traces", "logs", "metrics"]));
  for (const request of requests) {
    // Copies of the resources make encodeExportRequest build the request from scratch: the reference.
    const copies = request.resources.map((resource) => resource.slice());
    const reference = encodeExportRequest(copies, 5);
    const framed = encodeExportRequest(request.resources, 5);
    expect(framed.buffer).toBe(request.resources[0]!.buffer);
    expect(framed.subarray(5)).toEqual(reference.subarray(5));
    expect(framed.length - 5).toBe(request.bytes);
    expect(encodeExportRequest(request.resources)).toEqual(encodeExportRequest(copies));
    expect(encodeExportRequest(copies, 5).buffer).not.toBe(copies[0]!.buffer);
  }
});
