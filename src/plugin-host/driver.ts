// Every call into a plugin's code goes through here, so that whatever a plugin does wrong (throws,
// rejects, lacks a method) reaches the user as one line naming the plugin and its contribution.
import type { DreamweaverError } from "./errors.ts";
import { closeFailed, notAnExporter, pluginFailed } from "./messages.ts";
import type { Exporter, ExporterFactory, ExporterOptions, ExportError } from "./plugin.ts";

/** A contribution together with the plugin that made it, so failures can name the plugin. */
export interface Contribution<T> {
  /** As a config or flag addresses it (`server`, `acme/kafka`); for a metric heuristic `acme#0`. */
  readonly name: string;
  readonly plugin: string;
  readonly value: T;
}

/**
 * Runs a plugin's code; a throw becomes PLUGIN_FAILED `plugin "<plugin>": <what> failed: <reason>`.
 * `what` names the contribution and the call, e.g.
 * `span kind "acme/lambda" operation() of "invoke" (templates.lambda)`.
 */
export function callPlugin<T>(plugin: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw pluginFailed(plugin, what, error);
  }
}

/**
 * Creates an exporter from its plugin's factory, wrapped so that a factory that throws, an `export()` that
 * throws or rejects and a `close()` that does are each named by plugin and exporter. An export failure
 * keeps `retryable` and `retryAfterMs`, so it is retried as the exporter asked; an exporter without
 * `close()` has nothing to close. With `exportErrors: "as-is"` export failures pass unchanged: the built-in
 * OTLP exporters' are the receiver's (`http://...: unavailable`), already worded for the user.
 */
export function createExporter(
  contribution: Contribution<ExporterFactory>,
  options: ExporterOptions,
  exportErrors: "named" | "as-is" = "named",
): Exporter {
  const { plugin, name } = contribution;
  const factory = `exporter "${name}" factory`;
  const exporter: Partial<Exporter> | undefined = callPlugin(plugin, factory, () => contribution.value(options));
  if (typeof exporter?.export !== "function") throw notAnExporter(plugin, factory);
  const exporting = `exporter "${name}" export()`;
  const closing = `exporter "${name}" close()`;
  const { export: send, close } = exporter;
  return {
    async export(request, signal) {
      try {
        return await send.call(exporter, request, signal);
      } catch (error) {
        if (exportErrors === "as-is" && error instanceof Error) throw error;
        const { retryable, retryAfterMs } = (error ?? {}) as ExportError;
        throw Object.assign(pluginFailed(plugin, exporting, error), {
          ...(retryable !== undefined && { retryable }),
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        });
      }
    },
    async close() {
      if (typeof close !== "function") return;
      try {
        await close.call(exporter);
      } catch (error) {
        throw pluginFailed(plugin, closing, error);
      }
    },
  };
}

/**
 * Closes exporters in the reverse order of their creation, each one even when an earlier one failed,
 * and returns every close error instead of throwing, so that teardown never hides the run's own result.
 */
export async function closeExporters(exporters: readonly Exporter[]): Promise<DreamweaverError[]> {
  const errors: DreamweaverError[] = [];
  for (const exporter of [...exporters].reverse()) {
    try {
      await exporter.close();
    } catch (error) {
      errors.push(closeFailed(error));
    }
  }
  return errors;
}
