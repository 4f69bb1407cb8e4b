import {
  attribute,
  constantAttribute,
  type KeyValue,
  type OperationContext,
  type OperationModel,
  type Random,
} from "../../../src/index.ts";
import { drawOutcome } from "./call-outcome.ts";
import { compileTemplate, parseHttpOperation } from "./http-route.ts";
import { HTTP_PROPAGATED, httpServerOutcomes } from "./http-status.ts";
import { scopes } from "./instrumentation-scopes.ts";
import { clientAddressFor, peerAddressFor } from "./random-values.ts";
import { userAgentFor } from "./user-agents.ts";

// HTTP server spans and the CLIENT spans of calls into them (semconv HTTP spans, stable):
// server span `{method} {http.route}`, client span `{method}` (no url.template is known to the caller).

const PORT = 8080;
const PEER_PORT = constantAttribute("network.peer.port", PORT);

/** Safe methods (RFC 9110) read; the others change something. */
const READS = new Set(["GET", "HEAD", "OPTIONS", "QUERY", "TRACE"]);

/**
 * Keys of `http.server.request.duration` and `http.client.request.duration` together; the engine keeps
 * those present on each span. `server.*` is required on the client metric and opt-in on the server's.
 */
export const HTTP_METRIC_ATTRIBUTES: readonly string[] = [
  "http.request.method",
  "http.route",
  "http.response.status_code",
  "error.type",
  "url.scheme",
  "network.protocol.version",
  "server.address",
  "server.port",
];

/** HTTP/1.1 for most calls, HTTP/2 for some; shared by both sides of a call. */
const HTTP_1_1 = constantAttribute("network.protocol.version", "1.1");
const HTTP_2 = constantAttribute("network.protocol.version", "2");
export const protocolVersion = (random: Random): KeyValue => (random.chance(0.3) ? HTTP_2 : HTTP_1_1);

/** An operation `METHOD /route` on a server: an HTTP server span, or undefined when not written that way. */
export function httpServerOperation(context: OperationContext): OperationModel | undefined {
  const http = parseHttpOperation(context.operation);
  if (!http) return undefined;
  const path = compileTemplate(http.route);
  const query = http.query === undefined ? undefined : compileTemplate(http.query);
  const outcomes = httpServerOutcomes(http.method, path.hasParameters);
  const method = constantAttribute("http.request.method", http.method);
  const address = constantAttribute("server.address", context.service);
  const port = constantAttribute("server.port", PORT);
  const server = [
    method,
    constantAttribute("http.route", http.route),
    constantAttribute("url.scheme", "http"),
    address,
    port,
  ];
  const caller = [method, address, port];
  // What the caller addresses through each proxy: made once per proxy, as constants (a metric stream split by
  // server.address is then found by identity).
  const viaProxy = new Map<string, KeyValue[]>();
  const callerVia = (proxy: string) => {
    let attributes = viaProxy.get(proxy);
    if (attributes === undefined) {
      viaProxy.set(proxy, attributes = [method, constantAttribute("server.address", proxy), port]);
    }
    return attributes;
  };
  const origin = `http://${context.service}:${PORT}`;
  // semconv identity hook: browsers and public addresses at the edge, callers' clients and pods inside.
  const clientAddress = clientAddressFor(context);
  const peerAddress = peerAddressFor(context);
  const userAgent = userAgentFor(context);
  const access = READS.has(http.method) ? "read" : "write";
  return {
    name: `${http.method} ${http.route}`,
    callerName: http.method,
    metric: "http.server.request.duration",
    callerMetric: "http.client.request.duration",
    metricAttributes: HTTP_METRIC_ATTRIBUTES,
    resendAttribute: "http.request.resend_count",
    ...scopes(context, "http-server", "http-client"),
    exceptionEvent: { name: "http.server.request.exception", severityNumber: 17 },
    access,
    describe(random, failed, call) {
      const outcome = failed && call?.cause ? HTTP_PROPAGATED[call.cause.kind] : drawOutcome(random, failed, outcomes);
      const urlPath = path.render(random);
      const urlQuery = query?.render(random);
      const protocol = protocolVersion(random);
      const attributes = [
        ...server,
        attribute("url.path", urlPath),
        outcome.status!,
        protocol,
        attribute("client.address", clientAddress(random)),
      ];
      if (userAgent) attributes.push(userAgent(random));
      if (urlQuery !== undefined) attributes.push(attribute("url.query", urlQuery));
      if (outcome.serverError) attributes.push(outcome.serverError);
      // Through a load balancer or proxy, the caller addresses the proxy, not this service.
      const proxy = call && call.via.length > 0 ? call.via[0] : undefined;
      const base = proxy === undefined ? origin : `http://${proxy}:${PORT}`;
      const full = urlQuery === undefined ? base + urlPath : `${base}${urlPath}?${urlQuery}`;
      const to = proxy === undefined ? caller : callerVia(proxy);
      const callerAttributes = [
        ...to,
        attribute("url.full", full),
        outcome.status!,
        protocol,
        // semconv: the pod (or proxy) that answered, as the client's connection saw it.
        attribute("network.peer.address", peerAddress(random)),
        PEER_PORT,
      ];
      if (outcome.callerError) callerAttributes.push(outcome.callerError);
      return {
        attributes,
        callerAttributes,
        callerFailed: outcome.callerError !== undefined,
        exception: outcome.exception,
        // HTTP server instrumentations leave the status description empty.
        statusMessage: "",
      };
    },
  };
}
