import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createSecureServer } from "node:http2";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fromBinary } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { LogsService } from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { MetricsService } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  ExportTraceServiceRequestSchema,
  TraceService,
} from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Config } from "../src/config/config.ts";
import { applyOtelEnvironment } from "../src/config/otel-environment.ts";
import { DreamweaverError } from "../src/plugin-host/errors.ts";
import { readTextFile } from "../src/cli/host.ts";
import { readTls } from "../src/config/read-tls.ts";
import type { Problem } from "../src/plugin-host/errors.ts";
import type { Settings } from "../src/config/settings.ts";
import { loadSettings, runFast } from "./helpers/run.ts";
import type { TlsOptions } from "../src/plugin-host/plugin.ts";
import type { RunSummary } from "../src/run/summary.ts";
import { selfSigned } from "./helpers/certificate.ts";
import { ROOT } from "./helpers/cli.ts";

let dir = "";
let pem = { cert: "", key: "" };
const closers: (() => void)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dreamweaver-tls-"));
  pem = selfSigned(dir, "server", "localhost", "IP:127.0.0.1,DNS:localhost");
});

afterAll(() => {
  for (const close of closers) close();
  rmSync(dir, { recursive: true, force: true });
});

interface Seen {
  spans: number;
  dataPoints: number;
  logRecords: number;
  tenants: Set<string | null>;
}

/** An OTLP/gRPC receiver over TLS (HTTP/2) with the test certificate, counting what arrives. */
async function grpcReceiver(keyPair = pem): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { spans: 0, dataPoints: 0, logRecords: 0, tenants: new Set() };
  const routes = (router: ConnectRouter) => {
    router.service(TraceService, {
      export(request, context) {
        seen.tenants.add(context.requestHeader.get("x-tenant"));
        for (const r of request.resourceSpans) for (const s of r.scopeSpans) seen.spans += s.spans.length;
        return {};
      },
    });
    router.service(MetricsService, {
      export(request, context) {
        seen.tenants.add(context.requestHeader.get("x-tenant"));
        for (const r of request.resourceMetrics) {
          for (const s of r.scopeMetrics) {
            for (const metric of s.metrics) seen.dataPoints += metric.data.value?.dataPoints.length ?? 0;
          }
        }
        return {};
      },
    });
    router.service(LogsService, {
      export(request, context) {
        seen.tenants.add(context.requestHeader.get("x-tenant"));
        for (const r of request.resourceLogs) for (const s of r.scopeLogs) seen.logRecords += s.logRecords.length;
        return {};
      },
    });
  };
  const server = createSecureServer({ key: keyPair.key, cert: keyPair.cert }, connectNodeAdapter({ routes }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  server.unref();
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let example: Settings | undefined;

async function configured(output: Partial<Config["output"]>): Promise<Settings> {
  example ??= await loadSettings(join(ROOT, "examples", "ecommerce.yaml"));
  return { ...example, config: { ...example.config, output: { ...example.config.output, ...output } } };
}

function run(loaded: Settings, url: string, tlsOptions: TlsOptions, exporter = "otlp-grpc"): Promise<RunSummary> {
  return runFast(loaded, {
    requests: 50,
    endpoint: { url, tls: true },
    tls: tlsOptions,
    exporter,
    timeoutMs: 2000,
    drainMs: 500,
  });
}

function expectDelivered(summary: RunSummary, seen: Omit<Seen, "tenants">): void {
  expect(summary.failedExports).toBe(0);
  expect(summary.spans).toBeGreaterThan(0);
  expect({ spans: seen.spans, dataPoints: seen.dataPoints, logRecords: seen.logRecords }).toEqual({
    spans: summary.spans,
    dataPoints: summary.dataPoints,
    logRecords: summary.logRecords,
  });
}

test("gRPC over TLS with output.tls's CA delivers everything, with the custom headers", async () => {
  const { url, seen } = await grpcReceiver();
  const loaded = await configured({ headers: { "x-tenant": "acme" } });
  expectDelivered(await run(loaded, url, { ca: pem.cert }), seen);
  expect([...seen.tenants]).toEqual(["acme"]);
});

test("gRPC over TLS without the CA fails with one line about the certificate, and no receiver hint", async () => {
  const { url, seen } = await grpcReceiver();
  const error = await run(await configured({}), url, {}).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DreamweaverError);
  expect((error as Error).message).toBe(
    `cannot export to ${url}: TLS: the receiver's certificate is self-signed; name the CA that signed it in ` +
      "output.tls.ca_file (or OTEL_EXPORTER_OTLP_CERTIFICATE) (DEPTH_ZERO_SELF_SIGNED_CERT)",
  );
  expect(seen.spans).toBe(0);
});

test("a certificate for another host name is said to be one, over gRPC and OTLP/HTTP alike", async () => {
  // Trusted (it is its own CA), but issued for example.com, not 127.0.0.1.
  const other = selfSigned(dir, "other", "example.com", "DNS:example.com");
  const mismatch = "TLS: the receiver's certificate is not issued for this host name (ERR_TLS_CERT_ALTNAME_INVALID)";
  const { url } = await grpcReceiver(other);
  const grpc = await run(await configured({}), url, { ca: other.cert }).catch((e: Error) => e);
  expect(grpc).toBeInstanceOf(DreamweaverError);
  expect((grpc as Error).message).toBe(`cannot export to ${url}: ${mismatch}`);

  const server = createHttpsServer(other, (request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  const httpUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loaded = await configured({ protocol: "http/protobuf" });
  const http = await run(loaded, httpUrl, { ca: other.cert }, "otlp-http").catch((e: Error) => e);
  expect(http).toBeInstanceOf(DreamweaverError);
  expect((http as Error).message).toMatch(
    new RegExp(`^cannot export to ${escape(httpUrl)}/v1/\\w+: ${escape(mismatch)}$`),
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

test("gRPC with the explicit insecure option and no CA delivers", async () => {
  const { url, seen } = await grpcReceiver();
  expectDelivered(await run(await configured({}), url, { insecure: true }), seen);
});

test("OTLP/HTTP (http/protobuf, gzip) over TLS with the CA delivers, with the custom headers", async () => {
  const received: { path: string; tenant: unknown; encoding: unknown; body: Buffer }[] = [];
  const server = createHttpsServer({ key: pem.key, cert: pem.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        tenant: request.headers["x-tenant"],
        encoding: request.headers["content-encoding"],
        body: gunzipSync(Buffer.concat(chunks)),
      });
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  server.unref();
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loaded = await configured({ protocol: "http/protobuf", compression: "gzip", headers: { "x-tenant": "acme" } });
  const summary = await run(loaded, url, { ca: pem.cert }, "otlp-http");
  expect(summary.failedExports).toBe(0);
  expect(received.length).toBe(summary.exports);
  expect(new Set(received.map((r) => r.tenant))).toEqual(new Set(["acme"]));
  expect(new Set(received.map((r) => r.encoding))).toEqual(new Set(["gzip"]));
  let spans = 0;
  for (const { path, body } of received.filter((r) => r.path === "/v1/traces")) {
    expect(path).toBe("/v1/traces");
    const request = fromBinary(ExportTraceServiceRequestSchema, body);
    for (const r of request.resourceSpans) for (const s of r.scopeSpans) spans += s.spans.length;
  }
  expect(spans).toBe(summary.spans);
});

test("output.tls: paths relative to the config file, unknown keys rejected, a certificate needs its key", async () => {
  const base = readFileSync(join(ROOT, "examples", "ecommerce.yaml"), "utf8");
  const file = join(dir, "tls.yaml");
  writeFileSync(file, `${base}\n  tls: { ca_file: certs/ca.pem, insecure: false }\n`);
  // The settings stage reads the CA, so `validate` rejects a missing one before anything is sent.
  expect(await loadSettings(file).catch((e: DreamweaverError) => e.lines())).toEqual([
    `output.tls.ca_file: cannot read CA certificate "${join(dir, "certs", "ca.pem")}": no such file`,
  ]);
  mkdirSync(join(dir, "certs"), { recursive: true });
  writeFileSync(join(dir, "certs", "ca.pem"), pem.cert);
  const loaded = await loadSettings(file);
  expect(loaded.config.output.tls).toEqual({ caFile: join(dir, "certs", "ca.pem"), insecure: false });

  const problems = async (tls: string) => {
    writeFileSync(file, `${base}\n  tls: ${tls}\n`);
    const error = await loadSettings(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DreamweaverError);
    return (error as DreamweaverError).lines().join("\n");
  };
  expect(await problems("{ ca_fil: ca.pem }")).toContain("ca_file");
  expect(await problems("{ cert_file: client.pem }")).toContain("key_file");
});

test("the OTEL_EXPORTER_OTLP_* TLS variables override output.tls", async () => {
  const { output } = (await configured({ tls: { caFile: "/config/ca.pem", insecure: true } })).config;
  const tls = applyOtelEnvironment({
    OTEL_EXPORTER_OTLP_CERTIFICATE: "/env/ca.pem",
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: "/env/client.pem",
    OTEL_EXPORTER_OTLP_CLIENT_KEY: "/env/client.key",
    OTEL_EXPORTER_OTLP_INSECURE: "false",
  }, output).tls;
  expect(tls).toEqual({
    caFile: "/env/ca.pem",
    certFile: "/env/client.pem",
    keyFile: "/env/client.key",
    insecure: false,
  });
  expect(applyOtelEnvironment({}, output).tls).toEqual(output.tls!);
  expect(() => applyOtelEnvironment({ OTEL_EXPORTER_OTLP_INSECURE: "yes" }, output)).toThrow(
    "OTEL_EXPORTER_OTLP_INSECURE",
  );
});

test("TLS files are read while settings are resolved: a missing or non-PEM one is a problem naming it", async () => {
  const ca = join(dir, "server.crt");
  const problems: Problem[] = [];
  expect(await readTls({ caFile: ca, insecure: false }, readTextFile, problems)).toEqual({
    ca: pem.cert,
    insecure: false,
  });
  expect(problems).toEqual([]);
  const missing = join(dir, "missing.pem");
  const notPem = join(dir, "not.pem");
  writeFileSync(notPem, "hello");
  await readTls({ caFile: missing, certFile: notPem, keyFile: ca }, readTextFile, problems);
  expect(problems).toEqual([
    { path: "output.tls.ca_file", message: `cannot read CA certificate "${missing}": no such file` },
    { path: "output.tls.cert_file", message: `client certificate "${notPem}" is not a PEM file` },
    {
      path: "output.tls.key_file",
      message: `client key "${ca}" holds no private key that can be read (a key protected by a passphrase is ` +
        "not supported)",
    },
  ]);
});

test("PEM files without a usable certificate or key, or a key of another certificate, are problems", async () => {
  const garbled = join(dir, "garbled.pem");
  writeFileSync(garbled, "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n");
  const otherKey = join(dir, "other.key");
  const made = Bun.spawnSync(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  writeFileSync(otherKey, made.stdout.toString());
  const cert = join(dir, "server.crt");
  const problems: Problem[] = [];
  await readTls({ caFile: garbled, certFile: cert, keyFile: otherKey }, readTextFile, problems);
  expect(problems).toEqual([
    { path: "output.tls.ca_file", message: `CA certificate "${garbled}" holds no certificate that can be read` },
    {
      path: "output.tls.key_file",
      message: `client key "${otherKey}" is not the key of client certificate "${cert}"`,
    },
  ]);
  const fine: Problem[] = [];
  const read = await readTls({ certFile: cert, keyFile: join(dir, "server.key") }, readTextFile, fine);
  expect(fine).toEqual([]);
  expect(read).toEqual({ cert: pem.cert, key: pem.key });
});
