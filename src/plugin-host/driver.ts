// Every call into a plugin's code goes through here, so that whatever a plugin does wrong (throws,
// rejects, lacks a method, never answers) reaches the user as one line naming the plugin and its
// contribution, and no plugin can hold a run up for longer than its time allows.
import { DreamweaverError } from "./errors.ts";
import { closeFailed, cutOffAtShutdown, notAnExporter, pluginFailed, tookTooLong } from "./messages.ts";
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

/** Who an exporter is, for its errors. */
export interface ExporterIdentity {
  /** `exporter "acme/kafka"`, `exporter "otlp-grpc"`, or `exporter 1` for one handed to the run. */
  readonly what: string;
  /**
   * The third-party plugin that made it: its export failures become `plugin "acme": exporter "acme/kafka"
   * export() failed: ...`. Absent for a built-in exporter or one handed to the run, whose export failures
   * pass as they are: the built-in OTLP exporters' are the receiver's (`http://...: unavailable`), already
   * worded for the user.
   */
  readonly plugin?: string;
}

/** How long an exporter's calls may take. */
export interface ExporterTimeouts {
  /** An `export()` unsettled after this long fails as timed out, retryably (`output.timeout`, `--timeout`). */
  readonly exportMs: number;
  /** A `close()` unsettled after this long fails: the run's shutdown budget. */
  readonly closeMs: number;
}

/**
 * Creates an exporter from its plugin's factory; a factory that throws or returns no exporter is named by
 * plugin and exporter, and the exporter is bounded as `boundExporter` says. A `builtin` one's export
 * failures pass as they are (see ExporterIdentity).
 */
export function createExporter(
  contribution: Contribution<ExporterFactory>,
  options: ExporterOptions,
  { builtin = false, closeMs = 5000 }: { builtin?: boolean; closeMs?: number } = {},
): Exporter {
  const { plugin, name } = contribution;
  const factory = `exporter "${name}" factory`;
  const exporter: Partial<Exporter> | undefined = callPlugin(plugin, factory, () => contribution.value(options));
  if (typeof exporter?.export !== "function") throw notAnExporter(plugin, factory);
  const identity = { what: `exporter "${name}"`, ...(!builtin && { plugin }) };
  return boundExporter(exporter as Exporter, identity, { exportMs: options.timeoutMs, closeMs });
}

/**
 * Wraps an exporter so that each of its calls is bounded in time and its failures name it. An `export()`
 * settles within `exportMs`, or at once when the run aborts it, whether or not the exporter listens to
 * its signal: either way it fails as "may have arrived" (`mayHaveArrived`), since it was handed over and
 * no answer came. A failure keeps `retryable` and `retryAfterMs`, so it is retried as the exporter asked.
 * `close()` settles within `closeMs`; an exporter without `close()` has nothing to close.
 */
export function boundExporter(exporter: Exporter, identity: ExporterIdentity, timeouts: ExporterTimeouts): Exporter {
  const { plugin, what } = identity;
  const exporting = `${what} export()`;
  const closing = `${what} close()`;
  const { export: send, close, connect } = exporter;
  return {
    borrowsRequests: exporter.borrowsRequests === true,
    mergesRequests: exporter.mergesRequests === true,
    connect() {
      // Only a head start: an exporter that fails here fails again on its first export, which reports it.
      try {
        if (typeof connect === "function") connect.call(exporter);
      } catch {
        // Reported by the first export.
      }
    },
    async export(request, runSignal) {
      // The exporter's own signal: aborted on the deadline or by the run, so one that listens can stop.
      const call = new AbortController();
      const timer = setTimeout(
        () => call.abort(unanswered(tookTooLong(plugin, exporting, timeouts.exportMs))),
        timeouts.exportMs,
      );
      const cutOff = () => call.abort(unanswered(cutOffAtShutdown(plugin, exporting)));
      if (runSignal.aborted) cutOff();
      else runSignal.addEventListener("abort", cutOff);
      try {
        const result = await untilAborted(
          new Promise<Awaited<ReturnType<Exporter["export"]>>>((resolve) =>
            resolve(send.call(exporter, request, call.signal))
          ),
          call.signal,
        );
        return { rejected: Number(result?.rejected) || 0 };
      } catch (error) {
        if (error === call.signal.reason || (plugin === undefined && error instanceof Error)) throw error;
        throw Object.assign(
          plugin === undefined
            ? DreamweaverError.from(error, { code: "EXPORT_FAILED", what: `${exporting} failed` })
            : pluginFailed(plugin, exporting, error),
          deliveryFields(error),
        );
      } finally {
        clearTimeout(timer);
        runSignal.removeEventListener("abort", cutOff);
      }
    },
    async close() {
      if (typeof close !== "function") return;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(tookTooLong(plugin, closing, timeouts.closeMs)), timeouts.closeMs);
      try {
        await untilAborted(new Promise<void>((resolve) => resolve(close.call(exporter))), deadline.signal);
      } catch (error) {
        if (error === deadline.signal.reason) throw error;
        throw plugin === undefined
          ? DreamweaverError.from(error, { code: "EXPORT_FAILED", what: `${closing} failed` })
          : pluginFailed(plugin, closing, error);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Whether an export failure is the exporter's own code failing rather than a delivery that failed: a
 * plugin's exporter threw or rejected with an error that says nothing about retrying. The run stops on it.
 */
export function isPluginCrash(error: unknown): boolean {
  return error instanceof DreamweaverError && error.code === "PLUGIN_FAILED" &&
    (error as ExportError).retryable === undefined;
}

/**
 * Closes exporters in the reverse order of their creation, each one even when an earlier one failed,
 * and returns every close error instead of throwing, so that teardown never hides the run's own result.
 * Exporters made here (`createExporter`, `boundExporter`) close within their shutdown budget.
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

/** What an export error says about delivery (see ExportError), kept when the error is reworded. */
function deliveryFields(error: unknown): Partial<ExportError> {
  const { retryable, retryAfterMs, mayHaveArrived, unreachable } = (error ?? {}) as ExportError;
  return {
    ...(retryable !== undefined && { retryable }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(mayHaveArrived !== undefined && { mayHaveArrived }),
    ...(unreachable !== undefined && { unreachable }),
  };
}

/** A failure after the request was handed over, without an answer: retried, and it may have arrived. */
function unanswered(error: DreamweaverError): DreamweaverError & ExportError {
  return Object.assign(error, { retryable: true, mayHaveArrived: true });
}

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it aborts: a plugin that never
 * settles cannot hold the caller. A late settlement of `work` is then ignored (and never unhandled).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort);
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
