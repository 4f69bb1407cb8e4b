import type { Settings } from "../config/settings.ts";
import { createMultiExporter, type NamedExporter } from "../export/multi-exporter.ts";
import { boundExporter, closeExporters, createExporter } from "../plugin-host/driver.ts";
import type { Exporter, ExporterHost, ExporterOptions } from "../plugin-host/plugin.ts";

/** The exporter a run sends through, and the exporters it is made of, which the run closes. */
export interface RunExporters {
  readonly exporter: Exporter;
  readonly members: readonly Exporter[];
}

/**
 * The exporter a run sends through: `given` when the caller brings its own, else the settings' choices
 * created with the output settings (and the host, for `file` and `stdout`); several fan out. Every one is
 * bounded by the plugin driver: an export within `output.timeout`, a close within `closeMs`.
 */
export function createExporters(
  settings: Settings,
  { given, host, closeMs }: {
    given?: readonly Exporter[] | undefined;
    host?: ExporterHost | undefined;
    closeMs: number;
  },
): RunExporters {
  const exportMs = settings.config.output.timeoutMs;
  const named: NamedExporter[] = given
    ? given.map((exporter, i) => ({
      name: `exporter ${i + 1}`,
      exporter: boundExporter(exporter, { what: `exporter ${i + 1}` }, { exportMs, closeMs }),
    }))
    : createChosen(settings, host, closeMs);
  const members = named.map(({ exporter }) => exporter);
  return { exporter: named.length === 1 ? members[0]! : createMultiExporter(named), members };
}

function createChosen(settings: Settings, host: ExporterHost | undefined, closeMs: number): NamedExporter[] {
  const { output } = settings.config;
  const options: ExporterOptions = {
    url: output.endpoint.url,
    tls: output.endpoint.tls,
    timeoutMs: output.timeoutMs,
    protocol: output.protocol,
    headers: output.headers,
    compression: output.compression,
    ...(settings.run.tls && { tlsOptions: settings.run.tls }),
    ...(host && { host }),
  };
  const created: NamedExporter[] = [];
  try {
    for (const { spec, contribution, argument } of settings.run.exporters) {
      const withArgument = { ...options, ...(argument !== undefined && { argument }) };
      // Every exporter goes through the plugin driver, so its failures name it and its calls end in time; the
      // built-ins' export errors (addressed without a namespace) are the receiver's, and read better as they are.
      const builtin = !contribution.name.includes("/");
      const exporter = createExporter(contribution, withArgument, { builtin, closeMs });
      created.push({ name: spec, exporter });
    }
  } catch (error) {
    // One that cannot start (a bad path) fails the run: release the ones already created.
    void closeExporters(created.map(({ exporter }) => exporter));
    throw error;
  }
  return created;
}
