// The runtime-specific part of OTLP/HTTP over TLS: Bun and Deno give fetch TLS options differently.
import { insecureTlsOnDeno, tlsNeedsBunOrDeno } from "../plugin-host/messages.ts";
import type { TlsOptions } from "../plugin-host/plugin.ts";

interface DenoGlobal {
  createHttpClient(options: { caCerts?: string[]; cert?: string; key?: string }): { close(): void };
}

/** What `fetch` needs for `output.tls`: fields to add to every request's init, and how to let go of them. */
export interface FetchTls {
  readonly init: Readonly<Record<string, unknown>>;
  close(): void;
}

/**
 * The runtime-specific `fetch` options for a TLS configuration: Bun's `tls` init field, or a Deno HTTP
 * client. Deno has no per-client "insecure" (only --unsafely-ignore-certificate-errors), and Node's fetch
 * takes no TLS options without undici: both are reported as one-line errors.
 */
export function fetchTls(tls: TlsOptions): FetchTls {
  const bun = (globalThis as { Bun?: unknown }).Bun;
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (bun !== undefined) {
    const options = {
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.cert !== undefined && { cert: tls.cert }),
      ...(tls.key !== undefined && { key: tls.key }),
      ...(tls.insecure && { rejectUnauthorized: false }),
    };
    return { init: { tls: options }, close() {} };
  }
  if (deno !== undefined) {
    if (tls.insecure) {
      throw insecureTlsOnDeno();
    }
    const client = deno.createHttpClient({
      ...(tls.ca !== undefined && { caCerts: [tls.ca] }),
      ...(tls.cert !== undefined && { cert: tls.cert }),
      ...(tls.key !== undefined && { key: tls.key }),
    });
    return { init: { client }, close: () => client.close() };
  }
  throw tlsNeedsBunOrDeno();
}
