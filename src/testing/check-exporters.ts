import {
  type AppendFile,
  encodeExportRequest,
  type ExporterFactory,
  type ExporterHost,
  type ExporterOptions,
  type ExportRequest,
  type Plugin,
  type Signal,
} from "../index.ts";
import { Findings, THREW } from "./findings.ts";

/**
 * Options an exporter is created with unless the caller gives its own: a loopback endpoint nothing
 * listens on (a network exporter must fail there the way the pipeline expects) and an in-memory host.
 */
const DEFAULT_OPTIONS: ExporterOptions = { url: "http://127.0.0.1:9", tls: false, timeoutMs: 5000 };

const SIGNALS: readonly Signal[] = ["traces", "metrics", "logs"];

/** One export call per signal, each with one (empty) resource, as small as a real call gets. */
const REQUESTS: readonly ExportRequest[] = SIGNALS.map((signal) => {
  const resources = [new Uint8Array(0)];
  return { signal, resources, items: 0, bytes: encodeExportRequest(resources).length };
});

/**
 * Exporters: each factory makes an exporter from its options; every export call either resolves with
 * the items the receiver rejected (a whole number, at most the items sent) or rejects with an Error whose
 * `retryable` is a boolean and `retryAfterMs` a duration when set; `close` resolves. `options` maps an
 * exporter's name to the options it is made with (say, a running receiver's `url`, or the `argument`),
 * over a loopback endpoint nothing listens on and an in-memory host for stdout and files.
 *
 * @example
 * test("exporters", () => checkExporters(plugin, { kafka: { url: "http://127.0.0.1:9092" } }));
 */
export async function checkExporters(
  plugin: Plugin,
  options: Readonly<Record<string, Partial<ExporterOptions>>> = {},
): Promise<void> {
  const findings = new Findings(plugin);
  await exporterFindings(findings, options);
  findings.throwIfAny();
}

export async function exporterFindings(
  findings: Findings,
  options: Readonly<Record<string, Partial<ExporterOptions>>>,
): Promise<void> {
  for (const [name, factory] of Object.entries(findings.plugin.exporters ?? {})) {
    await checkExporter(findings, `exporters.${name}`, factory, {
      ...DEFAULT_OPTIONS,
      host: memoryHost(),
      ...options[name],
    });
  }
}

async function checkExporter(findings: Findings, where: string, factory: ExporterFactory, options: ExporterOptions) {
  const exporter = findings.attempt(`${where}(options)`, () => factory(options));
  if (exporter === THREW) return;
  const shaped = typeof exporter?.export === "function" && typeof exporter.close === "function";
  if (!findings.expect(shaped, `${where}(options) must return { export(request, signal), close() }`)) return;
  for (const request of REQUESTS) {
    const call = `${where} export of ${request.signal}`;
    try {
      const result = await exporter.export(request, new AbortController().signal);
      const rejected = result?.rejected;
      const counted = Number.isInteger(rejected) && rejected >= 0 && rejected <= request.items;
      findings.expect(counted, `${call}: must resolve with { rejected }, a whole number up to the items sent`);
    } catch (error) {
      checkExportError(findings, call, error);
    }
  }
  try {
    await exporter.close();
  } catch (error) {
    findings.threw(`${where} close()`, error);
  }
}

/** A failed call: an Error the pipeline can read (message, retryable, retryAfterMs). */
function checkExportError(findings: Findings, call: string, error: unknown): void {
  if (!findings.expect(error instanceof Error, `${call}: must reject with an Error, not ${String(error)}`)) return;
  const { retryable, retryAfterMs } = error as Error & { retryable?: unknown; retryAfterMs?: unknown };
  findings.expect((error as Error).message.length > 0, `${call}: the Error must say what failed`);
  findings.expect(retryable === undefined || typeof retryable === "boolean", `${call}: retryable must be a boolean`);
  const duration = retryAfterMs === undefined || (typeof retryAfterMs === "number" && retryAfterMs >= 0);
  findings.expect(duration, `${call}: retryAfterMs must be a number of milliseconds`);
}

/** Stdout and files in memory, so that local exporters run without touching the machine. */
function memoryHost(): ExporterHost {
  const written: string[] = [];
  return {
    writeStdout: (text) => void written.push(text),
    openAppend: (): AppendFile => ({
      write: (text) => Promise.resolve(void written.push(text)),
      close: () => Promise.resolve(),
    }),
  };
}
