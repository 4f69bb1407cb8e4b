import { definePlugin, OtlpSpanKind } from "../src/index.ts";

/** The seed's five span kinds. A call into a server is synchronous, into a consumer asynchronous. */
export default definePlugin({
  name: "span-kinds",
  spanKinds: {
    server: { otlpKind: OtlpSpanKind.SERVER, call: "request", description: "server side of a synchronous request" },
    client: { otlpKind: OtlpSpanKind.CLIENT, call: "direct", description: "client side of a request (HTTP, DB)" },
    producer: { otlpKind: OtlpSpanKind.PRODUCER, call: "direct", description: "sends an asynchronous message" },
    consumer: { otlpKind: OtlpSpanKind.CONSUMER, call: "message", description: "receives an asynchronous message" },
    internal: { otlpKind: OtlpSpanKind.INTERNAL, call: "direct", description: "work inside one application" },
  },
});
