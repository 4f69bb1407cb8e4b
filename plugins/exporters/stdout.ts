import {
  definePlugin,
  DreamweaverError,
  type Exporter,
  type ExporterOptions,
  formatResourceSpans,
} from "../../src/index.ts";

/** Prints traces as trees and one line per metrics or logs call: to watch a workload, not to store it. */
function createStdoutExporter(options: ExporterOptions): Exporter {
  const host = options.host;
  if (!host) throw new DreamweaverError("USAGE", `the stdout exporter needs the host's stdout (ExporterOptions.host)`);
  return {
    // The text is made from the request at once.
    borrowsRequests: true,
    export(request) {
      const services = request.resources.length === 1 ? "1 service" : `${request.resources.length} services`;
      const text = request.signal === "traces"
        ? formatResourceSpans(request.resources)
        : `${request.signal}: ${request.items} ${request.signal === "metrics" ? "data points" : "log records"} ` +
          `from ${services}`;
      // A blank line between calls keeps the trees of consecutive batches apart.
      host.writeStdout(`${text}\n\n`);
      return Promise.resolve({ rejected: 0 });
    },
    close: () => Promise.resolve(),
  };
}

export default definePlugin({ name: "stdout-exporter", exporters: { stdout: createStdoutExporter } });
