import { closeExporters, isPluginCrash } from "../plugin-host/driver.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { closeFailures } from "../plugin-host/messages.ts";
import type { Exporter, ExportError, ExportResult } from "../plugin-host/plugin.ts";

/** One exporter of several, with the name (`--exporter` value) its failures are reported under. */
export interface NamedExporter {
  readonly name: string;
  readonly exporter: Exporter;
}

/**
 * Sends every request to all `exporters` at once (`--exporter a --exporter b`). The call fails when any
 * of them fails, naming which; it is retryable only when every failure is, since a retry sends to all of
 * them again (those that succeeded receive the request twice, as with any at-least-once delivery), and
 * it may have arrived when any of them took it.
 */
export function createMultiExporter(exporters: readonly NamedExporter[]): Exporter {
  return {
    borrowsRequests: exporters.every(({ exporter }) => exporter.borrowsRequests === true),
    mergesRequests: exporters.every(({ exporter }) => exporter.mergesRequests === true),
    connect: () => exporters.forEach(({ exporter }) => exporter.connect?.()),
    async export(request, signal): Promise<ExportResult> {
      const results = await Promise.allSettled(exporters.map(({ exporter }) => exporter.export(request, signal)));
      const failures = results.flatMap((result, i) =>
        result.status === "rejected" ? [{ name: exporters[i]!.name, error: result.reason as ExportError }] : []
      );
      if (failures.length > 0) {
        const retryAfter = failures.flatMap(({ error }) => error?.retryAfterMs ?? []);
        const message = (error: unknown) => DreamweaverError.from(error, { code: "EXPORT_FAILED" }).message;
        const text = failures.map(({ name, error }) => `${name}: ${message(error)}`).join("; ");
        // One member's code failing fails the fan-out as it would alone: the run stops.
        if (failures.some(({ error }) => isPluginCrash(error))) throw new DreamweaverError("PLUGIN_FAILED", text);
        throw Object.assign(new Error(text), {
          retryable: failures.every(({ error }) => error?.retryable === true),
          ...(retryAfter.length > 0 && { retryAfterMs: Math.max(...retryAfter) }),
          // Delivered to some of them: the request did arrive, if not everywhere.
          mayHaveArrived: failures.length < exporters.length ||
            failures.some(({ error }) => error?.mayHaveArrived === true),
        });
      }
      // The most any one destination rejected: each of them holds its own copy.
      return { rejected: Math.max(0, ...results.map((r) => r.status === "fulfilled" ? r.value.rejected : 0)) };
    },
    // Members name themselves (the driver made them); in reverse order, every one closed and every error kept.
    async close() {
      const errors = await closeExporters(exporters.map(({ exporter }) => exporter));
      if (errors.length > 0) throw closeFailures(errors);
    },
  };
}
