import { constantAttribute, type KeyValue, type OperationContext } from "../../../src/index.ts";
import { GRPC_CODES } from "./grpc-status.ts";
import { pascalCase, stem } from "./name-hints.ts";

// Which RPC method an operation names, and its attributes in the convention era the service follows
// (semconv RPC spans): since v1.39 `rpc.system.name`, a fully qualified `rpc.method` and a string status
// code (`rpc.status_code` in the newest package); up to v1.38 `rpc.system`, `rpc.service` apart from
// `rpc.method`, and gRPC's integer `rpc.grpc.status_code`; `dup` emits both, with the qualified method.

const QUALIFIED = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\/([A-Za-z_]\w*)$/;
/** `GetCart`, `Charge`: how gRPC methods are written in .proto files. */
const PASCAL = /^[A-Z][a-z0-9]\w*$/;
const IDENTIFIER = /^[A-Za-z_][\w.]*$/;

const NOISE = new Set(["service", "svc", "server", "api", "grpc", "rpc", "backend", "app"]);

/** An RPC method as the conventions name it. */
export interface RpcMethod {
  /** `rpc.system.name`: `grpc`, `connectrpc`, `dubbo` or `jsonrpc`. */
  readonly system: string;
  /** Fully qualified service, e.g. `oteldemo.CartService`; empty for JSON-RPC. */
  readonly service: string;
  readonly method: string;
  /** `rpc.method` and the span name: `oteldemo.CartService/GetCart` (JSON-RPC: the method alone). */
  readonly full: string;
  readonly port: number;
}

const PORTS: Readonly<Record<string, number>> = { grpc: 50051, connectrpc: 8080, dubbo: 20880, jsonrpc: 8080 };

/** `rpc.system` values of older conventions, where they differ. */
const OLD_SYSTEM_NAMES: Readonly<Record<string, string>> = { connectrpc: "connect_rpc", dubbo: "apache_dubbo" };

/**
 * The method an operation names: `package.Service/Method` always; a bare `GetCart` too when it is written
 * like a .proto method or the template says it is RPC (`traces.rpc`). The service defaults to one named
 * after the service, e.g. `cart.CartService` for `cartservice`.
 */
export function parseRpcMethod(context: OperationContext): RpcMethod | undefined {
  const text = context.operation.trim();
  const system = context.rpc?.system ?? "grpc";
  const port = PORTS[system] ?? 50051;
  const qualified = QUALIFIED.exec(text);
  if (qualified) return { system, service: qualified[1]!, method: qualified[2]!, full: text, port };
  const bare = context.rpc !== undefined ? IDENTIFIER.test(text) : PASCAL.test(text);
  if (!bare) return undefined;
  if (system === "jsonrpc") return { system, service: "", method: text, full: text, port };
  const service = context.rpc?.service ?? defaultService(context.service);
  return { system, service, method: text, full: `${service}/${text}`, port };
}

/** `cartservice` → `cart.CartService`, `payment-api` → `payment.PaymentService`. */
function defaultService(name: string): string {
  const subject = (stem(name, NOISE) ?? "app").replace(/service$/, "") || "app";
  return `${subject.replaceAll("_", "")}.${pascalCase(subject)}Service`;
}

/** Whether the era asks for the newest names, the older ones, or both. */
export function eras(era: OperationContext["semconv"]): { readonly latest: boolean; readonly old: boolean } {
  return { latest: era !== "v1.24", old: era === "v1.24" || era === "dup" };
}

/** The attributes that name the method, per era. */
export function rpcMethodAttributes(rpc: RpcMethod, era: OperationContext["semconv"]): KeyValue[] {
  const { latest, old } = eras(era);
  const out: KeyValue[] = [];
  if (latest) out.push(constantAttribute("rpc.system.name", rpc.system));
  if (old) out.push(constantAttribute("rpc.system", OLD_SYSTEM_NAMES[rpc.system] ?? rpc.system));
  if (old && rpc.service !== "") out.push(constantAttribute("rpc.service", rpc.service));
  out.push(constantAttribute("rpc.method", latest ? rpc.full : rpc.method));
  return out;
}

/** The status code attributes of a call that ended with `code`, per era. */
export function rpcStatusAttributes(rpc: RpcMethod, code: string, era: OperationContext["semconv"]): KeyValue[] {
  const { latest, old } = eras(era);
  const out: KeyValue[] = [];
  if (latest) out.push(constantAttribute("rpc.status_code", rpc.system === "connectrpc" ? code.toLowerCase() : code));
  if (old && rpc.system === "grpc") out.push(constantAttribute("rpc.grpc.status_code", GRPC_CODES[code] ?? 2));
  return out;
}

/** Histogram fields of an OperationModel. */
interface RpcHistograms {
  readonly metric: string;
  readonly callerMetric?: string;
  readonly metricUnit?: string;
  readonly metricAttributes: readonly string[];
  readonly alsoMetrics?: Omit<RpcHistograms, "alsoMetrics">;
}

const LATEST_KEYS = ["rpc.system.name", "rpc.method", "rpc.status_code", "error.type", "server.address", "server.port"];
const OLD_KEYS = ["rpc.system", "rpc.service", "rpc.method", "rpc.grpc.status_code", "server.address", "server.port"];

/**
 * The duration histograms of RPC calls and the keys they keep, per era: `rpc.{server,client}.call.duration`
 * in seconds, or up to v1.38 `rpc.{server,client}.duration` in milliseconds. `own` is the side whose spans
 * the operation's own spans are: a server (its callers are clients) or a client without a server.
 */
export function rpcMetrics(era: OperationContext["semconv"], own: "server" | "client"): RpcHistograms {
  const histograms = (suffix: string, metricAttributes: readonly string[]) => ({
    metric: `rpc.${own}.${suffix}`,
    ...(own === "server" && { callerMetric: `rpc.client.${suffix}` }),
    metricAttributes,
  });
  const latest = histograms("call.duration", LATEST_KEYS);
  const old = { ...histograms("duration", OLD_KEYS), metricUnit: "ms" };
  if (era === "v1.24") return old;
  return era === "dup" ? { ...latest, alsoMetrics: old } : latest;
}
