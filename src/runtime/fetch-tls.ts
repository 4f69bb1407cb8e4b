// The runtime-specific part of OTLP/HTTP over TLS: Bun, Deno and Node give fetch TLS settings differently.
import { Agent, request as httpsRequest } from "node:https";
import { insecureTlsOnDeno } from "../plugin-host/messages.ts";
import type { TlsOptions } from "../plugin-host/plugin.ts";

interface DenoGlobal {
  createHttpClient(options: { caCerts?: string[]; cert?: string; key?: string }): { close(): void };
}

/** `fetch` with an exporter's TLS settings (`output.tls`) applied, and how to let go of them. */
export interface FetchTls {
  fetch(url: string, init: RequestInit): Promise<Response>;
  close(): void;
}

/**
 * `fetch` with `tls` applied, the way this runtime takes it: Bun's `tls` init field, a Deno HTTP client,
 * or, on Node (whose fetch takes no TLS settings), an HTTPS request through an agent that has them.
 * Deno has no per-client "insecure" (only --unsafely-ignore-certificate-errors): a one-line error.
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
    return { fetch: (url, init) => fetch(url, { ...init, tls: options } as RequestInit), close() {} };
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
    return { fetch: (url, init) => fetch(url, { ...init, client } as RequestInit), close: () => client.close() };
  }
  return nodeFetchTls(tls);
}

/** Statuses whose responses have no body, which `new Response` refuses one for. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** Node: a POST over `node:https` with the settings on a keep-alive agent, answered as a web Response. */
function nodeFetchTls(tls: TlsOptions): FetchTls {
  const agent = new Agent({
    keepAlive: true,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    rejectUnauthorized: !tls.insecure,
  });
  const send = (url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      // As fetch does: an aborted call rejects with the signal's reason (a TimeoutError for a timeout).
      const fail = (error: unknown) => reject(signal?.aborted ? signal.reason : error);
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const request = httpsRequest(url, { method: init.method ?? "GET", headers, agent, signal }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", fail);
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const each of [value ?? []].flat()) answer.append(name, each);
          }
          const body = NULL_BODY.has(status) ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, statusText: response.statusMessage ?? "", headers: answer }));
        });
      });
      request.on("error", fail);
      request.end(init.body as Uint8Array | undefined);
    });
  return {
    fetch: (url, init) => url.startsWith("https:") ? send(url, init) : fetch(url, init),
    close: () => agent.destroy(),
  };
}
