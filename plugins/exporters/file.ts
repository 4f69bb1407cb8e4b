import {
  definePlugin,
  DreamweaverError,
  encodeOtlpJson,
  type Exporter,
  type ExporterOptions,
} from "../../src/index.ts";

/** Where `--exporter file` writes without a `:path`. */
export const DEFAULT_FILE = "dreamweaver-otlp.jsonl";

/**
 * Appends every export call as one line of OTLP/JSON (`{"resourceSpans":[...]}` and so on), as the
 * OpenTelemetry Collector's file exporter writes them, so its `otlpjsonfile` receiver can replay the file.
 */
function createFileExporter(options: ExporterOptions): Exporter {
  if (!options.host) {
    throw new DreamweaverError("USAGE", `the file exporter needs the host's files (ExporterOptions.host)`);
  }
  const file = options.host.openAppend(options.argument || DEFAULT_FILE);
  return {
    // The line is made from the request before anything is written.
    borrowsRequests: true,
    async export(request) {
      await file.write(`${encodeOtlpJson(request.signal, request.resources)}\n`);
      return { rejected: 0 };
    },
    close: () => file.close(),
  };
}

export default definePlugin({ name: "file-exporter", exporters: { file: createFileExporter } });
