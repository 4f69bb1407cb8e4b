// What a failed export says: what failed where, in words for what it is. The hint about a receiver only
// when nothing answered; a TLS failure, an HTTP error status or a file that cannot be written said as such.
import { afterAll, expect, test } from "bun:test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describeNetworkError, nothingAnswered } from "../src/runtime/network-error.ts";
import { DreamweaverError } from "../src/plugin-host/errors.ts";
import { runCli } from "./helpers/cli.ts";
import { loadExample, runFast } from "./helpers/run.ts";

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** An error as the runtimes give it: a code on the error (Bun) or on its cause (Node), and their message. */
const failure = (code: string, message: string, onCause = false) =>
  onCause
    ? new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) })
    : Object.assign(new TypeError(message), { code });

test("only a refused connection, an unknown host or a connect timeout count as nothing answering", () => {
  expect(nothingAnswered(failure("ECONNREFUSED", "Unable to connect"))).toBe(true);
  expect(nothingAnswered(failure("ENOTFOUND", "getaddrinfo ENOTFOUND x", true))).toBe(true);
  expect(nothingAnswered(failure("ETIMEDOUT", "connect ETIMEDOUT"))).toBe(true);
  expect(nothingAnswered(new Error("error sending request: tcp connect error: Connection refused"))).toBe(true);
  expect(nothingAnswered(failure("ECONNRESET", "socket closed"))).toBe(false);
  expect(nothingAnswered(failure("DEPTH_ZERO_SELF_SIGNED_CERT", "self signed certificate"))).toBe(false);
  expect(nothingAnswered(new Error("HTTP 500"))).toBe(false);
});

test("TLS failures are worded from their code, never from Bun's message about its fetch options", () => {
  const garbled = 'ERR_TLS_CERT_ALTNAME_INVALID fetching "https://127.0.0.1:4318/v1/traces". For more ' +
    "information, pass `verbose: true` in the second argument to fetch()";
  expect(describeNetworkError(failure("ERR_TLS_CERT_ALTNAME_INVALID", garbled))).toBe(
    "TLS: the receiver's certificate is not issued for this host name (ERR_TLS_CERT_ALTNAME_INVALID)",
  );
  expect(describeNetworkError(failure("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify", true))).toBe(
    "TLS: the receiver's certificate is signed by an unknown CA; name the CA that signed it in output.tls.ca_file " +
      "(or OTEL_EXPORTER_OTLP_CERTIFICATE) (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
  );
  expect(describeNetworkError(new Error("client error (Connect): invalid peer certificate: UnknownIssuer"))).toMatch(
    /^TLS: the receiver's certificate is signed by an unknown CA; .* \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/,
  );
  // Deno's messages, with no code: rustls's reason names the failure.
  const deno = (reason: string) =>
    new TypeError("fetch failed", {
      cause: new Error(`error sending request for url (https://h/v1/traces): client error (Connect): ${reason}`),
    });
  expect(describeNetworkError(deno("invalid peer certificate: NotValidForName"))).toBe(
    "TLS: the receiver's certificate is not issued for this host name (ERR_TLS_CERT_ALTNAME_INVALID)",
  );
  expect(describeNetworkError(deno("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))"))).toMatch(
    /^TLS: the receiver's certificate is a CA's, which Deno does not accept from a server; .* \(CaUsedAsEndEntity\)$/,
  );
  expect(describeNetworkError(deno("invalid peer certificate: BadSignature"))).toBe(
    "TLS: the receiver's certificate is refused (BadSignature)",
  );
  expect(describeNetworkError(failure("EPROTO", "EPROTO: The TLS handshake failed."))).toBe(
    "TLS: the handshake failed: does the receiver speak TLS on this port? (http:// and grpc:// are plain) (EPROTO)",
  );
  expect(describeNetworkError(failure("ERR_SSL_SOMETHING_NEW", "error:0A000000:SSL routines::odd"))).toBe(
    "TLS: odd (ERR_SSL_SOMETHING_NEW)",
  );
});

test("a receiver that answers with an error status ends an unpaced run with that status and no hint", async () => {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(500).end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = await loadExample("ecommerce.yaml");
  const http = {
    ...settings,
    config: { ...settings.config, output: { ...settings.config.output, protocol: "http/protobuf" as const } },
  };
  const error = await runFast(http, { requests: 20, endpoint: { url, tls: false }, exporter: "otlp-http" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DreamweaverError);
  expect((error as Error).message).toMatch(
    new RegExp(`^cannot export to ${url}/v1/(traces|metrics|logs): HTTP 500 Internal Server Error$`),
  );
});

test("a file that cannot be written is reported as such, not as an export to nowhere", () => {
  const result = runCli([
    "run",
    "examples/ecommerce.yaml",
    "--fast",
    "--duration",
    "1s",
    "--exporter",
    "file:/dev/full",
  ]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^last error {4}cannot write to "\/dev\/full": /m);
  expect(result.stderr).not.toContain("cannot export to");
  expect(result.stderr).not.toContain("Is an OTLP receiver");
}, 60_000);

test("--json keeps stdout for the summary: the stdout exporter's trees go to stderr", () => {
  const result = runCli([
    "run",
    "examples/ecommerce.yaml",
    "--fast",
    "--duration",
    "1s",
    "--exporter",
    "stdout",
    "--json",
  ]);
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout);
  expect(summary.spans).toBeGreaterThan(0);
  expect(result.stderr).toContain("api-gateway");
  const dryRun = runCli(["run", "examples/ecommerce.yaml", "--dry-run", "--json"]);
  expect({ code: dryRun.code, stderr: dryRun.stderr.trim() }).toEqual({
    code: 2,
    stderr: "--json: --dry-run prints span trees, not a summary",
  });
}, 60_000);
