import { constantAttribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { NONE } from "./call-outcome.ts";
import { compileTemplate, parseHttpOperation } from "./http-route.ts";
import { HTTP_CLIENT_FAILURES, HTTP_CLIENT_TIMEOUT_MS, HTTP_PROPAGATED, httpClientSuccess } from "./http-status.ts";
import { HTTP_METRIC_ATTRIBUTES, protocolVersion } from "./http-server.ts";
import { scopes } from "./instrumentation-scopes.ts";

// A `client` service whose operation is `METHOD /path`: a call to an external HTTP API that has no
// spans of its own (a payment provider, a SaaS API). The service name is the API's host; HTTPS on 443.

/** An HTTP client span named `{method}` (semconv HTTP client spans), or undefined when not `METHOD /path`. */
export function httpClientOperation(context: OperationContext): OperationModel | undefined {
  const http = parseHttpOperation(context.operation);
  if (!http) return undefined;
  const path = compileTemplate(http.route);
  const query = http.query === undefined ? undefined : compileTemplate(http.query);
  const success = httpClientSuccess(http.method);
  const fixed = [
    constantAttribute("http.request.method", http.method),
    constantAttribute("server.address", context.service),
    constantAttribute("server.port", 443),
  ];
  const origin = `https://${context.service}`;
  return {
    name: http.method,
    callerName: http.method,
    metric: "http.client.request.duration",
    metricAttributes: HTTP_METRIC_ATTRIBUTES,
    ...scopes(context, "http-client"),
    exceptionEvent: { name: "http.client.request.exception", severityNumber: 13 },
    timeoutMs: HTTP_CLIENT_TIMEOUT_MS,
    describe(random, failed, call) {
      // Seen from the client, any 4xx or 5xx is an error, so it is drawn only when the engine says failed.
      const cause = failed ? call?.cause : undefined;
      const outcome = cause ? HTTP_PROPAGATED[cause.kind] : failed ? random.pick(HTTP_CLIENT_FAILURES) : success;
      const urlQuery = query?.render(random);
      const full = origin + path.render(random) + (urlQuery === undefined ? "" : `?${urlQuery}`);
      const attributes = [...fixed, constantAttribute("url.full", full), protocolVersion(random)];
      if (outcome.status) attributes.push(outcome.status);
      if (outcome.callerError) attributes.push(outcome.callerError);
      return { attributes, callerAttributes: NONE, callerFailed: failed, exception: outcome.exception };
    },
  };
}
