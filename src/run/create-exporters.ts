import type { Settings } from "../config/settings.ts";
import { createMultiExporter, type NamedExporter } from "../export/multi-exporter.ts";
import { closeExporters, createExporter } from "../plugin-host/driver.ts";
import type { Exporter, ExporterHost, ExporterOptions } from "../plugin-host/plugin.ts";

/**
 * The one exporter a run sends through: `given` when the caller brings its own, else the settings'
 * choices created with the output settings (and the host, for `file` and `stdout`); several fan out.
 */
export function createExporters(settings: Settings, given?: readonly Exporter[], host?: ExporterHost): Exporter {
  const named: NamedExporter[] = given
    ? given.map((exporter, i) => ({ name: `exporter ${i + 1}`, exporter }))
    : createChosen(settings, host);
  return named.length === 1 ? named[0]!.exporter : createMultiExporter(named);
}

function createChosen(settings: Settings, host: ExporterHost | undefined): NamedExporter[] {
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
      // Every exporter goes through the plugin driver, so its failures name it; the built-ins' export errors
      // (addressed without a namespace) are the receiver's, and read better as they are.
      const builtin = !contribution.name.includes("/");
      const exporter = createExporter(contribution, withArgument, builtin ? "as-is" : "named");
      created.push({ name: spec, exporter });
    }
  } catch (error) {
    // One that cannot start (a bad path) fails the run: release the ones already created.
    void closeExporters(created.map(({ exporter }) => exporter));
    throw error;
  }
  return created;
}
