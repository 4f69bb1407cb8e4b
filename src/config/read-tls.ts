import { DreamweaverError, type Problem } from "../plugin-host/errors.ts";
import type { TlsOptions } from "../plugin-host/plugin.ts";
import type { TlsFiles } from "./config.ts";

/**
 * Reads the PEM files of `output.tls` (or of the OTEL_EXPORTER_OTLP_* TLS variables) while settings are
 * resolved, so `validate` rejects a missing or non-PEM file before anything is sent. A file that cannot
 * be used becomes a problem naming it; the result then lacks it.
 */
export async function readTls(
  tls: TlsFiles,
  readText: (path: string, what: string) => Promise<string>,
  problems: Problem[],
): Promise<TlsOptions> {
  const read = async (path: string | undefined, what: string, field: string) => {
    if (path === undefined) return {};
    const where = `output.tls.${field}`;
    try {
      const text = await readText(path, what);
      if (text.includes("-----BEGIN ")) return { text };
      return { problem: { path: where, message: `${what} "${path}" is not a PEM file` } };
    } catch (error) {
      if (!(error instanceof DreamweaverError)) throw error;
      return { problem: { path: where, message: error.message } };
    }
  };
  const files = await Promise.all([
    read(tls.caFile, "CA certificate", "ca_file"),
    read(tls.certFile, "client certificate", "cert_file"),
    read(tls.keyFile, "client key", "key_file"),
  ]);
  // Reported in field order, whichever read finished first.
  for (const { problem } of files) if (problem) problems.push(problem);
  const [ca, cert, key] = files.map((file) => file.text);
  return {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(tls.insecure !== undefined && { insecure: tls.insecure }),
  };
}
