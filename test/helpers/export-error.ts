import type { Exporter, ExportError } from "../../src/plugin-host/plugin.ts";

/** The error `exporter` throws for one empty traces export (rejects if the export succeeds), then closes it. */
export async function exportError(exporter: Exporter): Promise<ExportError> {
  try {
    const request = { signal: "traces", resources: [], items: 0, bytes: 0 } as const;
    return await exporter.export(request, new AbortController().signal).then(
      () => Promise.reject(new Error("export succeeded")),
      (error: ExportError) => error,
    );
  } finally {
    await exporter.close();
  }
}
