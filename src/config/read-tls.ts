import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { DreamweaverError, type Problem } from "../plugin-host/errors.ts";
import type { TlsOptions } from "../plugin-host/plugin.ts";
import type { TlsFiles } from "./config.ts";

/**
 * Reads the PEM files of `output.tls` (or of the OTEL_EXPORTER_OTLP_* TLS variables) while settings are
 * resolved, so `validate` rejects a missing file, one that is not PEM or does not hold what it should, and
 * a client key that is not the certificate's, before anything is sent (the transports would refuse them at
 * the first export). A file that cannot be used becomes a problem naming it; the result then lacks it.
 */
export async function readTls(
  tls: TlsFiles,
  readText: (path: string, what: string) => Promise<string>,
  problems: Problem[],
): Promise<TlsOptions> {
  const read = async (path: string | undefined, what: string, field: keyof typeof UNREADABLE) => {
    if (path === undefined) return {};
    const where = `output.tls.${field}`;
    try {
      const text = await readText(path, what);
      if (!text.includes("-----BEGIN ")) {
        return { problem: { path: where, message: `${what} "${path}" is not a PEM file` } };
      }
      const unreadable = field === "key_file" ? !privateKey(text) : !certificates(text);
      if (unreadable) return { problem: { path: where, message: `${what} "${path}" ${UNREADABLE[field]}` } };
      return { text };
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
  if (cert !== undefined && key !== undefined && !certificates(cert)![0]!.checkPrivateKey(privateKey(key)!)) {
    const message = `client key "${tls.keyFile}" is not the key of client certificate "${tls.certFile}"`;
    problems.push({ path: "output.tls.key_file", message });
  }
  return {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(tls.insecure !== undefined && { insecure: tls.insecure }),
  };
}

const UNREADABLE = {
  ca_file: "holds no certificate that can be read",
  cert_file: "holds no certificate that can be read",
  key_file: "holds no private key that can be read (a key protected by a passphrase is not supported)",
} as const;

/** Every certificate of a PEM text (a CA file may hold a chain), or undefined when one cannot be read. */
function certificates(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  try {
    return blocks.length > 0 ? blocks.map((block) => new X509Certificate(block)) : undefined;
  } catch {
    return undefined;
  }
}

function privateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}
