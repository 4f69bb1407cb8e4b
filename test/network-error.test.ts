// A fetch that gets no answer fails differently on each runtime; the user reads the same words on all.
import { afterAll, expect, test } from "bun:test";
import { createServer, type Server, type Socket } from "node:net";
import otlpHttp from "../plugins/exporters/otlp-http.ts";
import type { ExportError } from "../src/index.ts";
import { runCli } from "./helpers/cli.ts";
import { exportError } from "./helpers/export-error.ts";

const servers: Server[] = [];
const sockets: Socket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A TCP server on 127.0.0.1 that does `onConnection` to each connection; returns its port. */
async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The error the otlp-http exporter throws for one export to `url`. */
function httpExportError(url: string, timeoutMs = 5000): Promise<ExportError> {
  return exportError(otlpHttp.exporters["otlp-http"]({ url, tls: false, timeoutMs }));
}

test("a refused connection, a reset one and a timeout each say so in plain words, and are retryable", async () => {
  const refused = `http://127.0.0.1:${await closedPort()}`;
  expect(await httpExportError(refused)).toMatchObject({
    message: `${refused}/v1/traces: connection refused (ECONNREFUSED)`,
    retryable: true,
  });
  const reset = `http://127.0.0.1:${await listen((socket) => socket.on("data", () => socket.resetAndDestroy()))}`;
  expect(await httpExportError(reset)).toMatchObject({
    message: `${reset}/v1/traces: connection reset (ECONNRESET)`,
    retryable: true,
  });
  const silent = `http://127.0.0.1:${await listen(() => {})}`;
  expect(await httpExportError(silent, 200)).toMatchObject({
    message: `${silent}/v1/traces: timed out after 0.2s`,
    retryable: true,
  });
});

test("Bun and Deno name a refused connection the same way", async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const args = ["run", "examples/ecommerce.yaml", "--fast", "--rate", "2/s", "--duration", "1s"];
  for (const runtime of ["bun", "deno"] as const) {
    const result = runCli([...args, "--exporter", "otlp-http", "--endpoint", endpoint], { runtime });
    expect({ runtime, stderr: result.stderr }).toEqual({
      runtime,
      stderr: expect.stringMatching(/\/v1\/\w+: connection refused \(ECONNREFUSED\)\. Is an OTLP receiver listening/),
    });
  }
}, 30_000);
