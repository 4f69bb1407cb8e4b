import { definePlugin, type OperationContext, type OperationModel, OtlpSpanKind } from "../../src/index.ts";
import { databaseOperation } from "./semconv/database-client.ts";
import { describeInLanguage } from "./semconv/exceptions.ts";
import { grpcClientOperation } from "./semconv/grpc-client.ts";
import { genericOperation } from "./semconv/generic-operation.ts";
import { grpcServerOperation } from "./semconv/grpc-server.ts";
import { httpClientOperation } from "./semconv/http-client.ts";
import { httpServerOperation } from "./semconv/http-server.ts";
import { internalOperation } from "./semconv/internal-operation.ts";
import { consumerOperation } from "./semconv/messaging-consumer.ts";
import { producerOperation } from "./semconv/messaging-producer.ts";

type Compiler = (context: OperationContext) => OperationModel | undefined;

/**
 * The first convention that recognises the operation, else a span named after it; its exceptions as the
 * service's language records them (semconv: exceptions per language).
 */
function firstOf(...compilers: Compiler[]): (context: OperationContext) => OperationModel {
  return (context) =>
    inLanguage(
      context,
      compilers.reduce<OperationModel | undefined>(
        (found, compile) => found ?? compile(context),
        undefined,
      ) ?? genericOperation(context),
    );
}

/** Spans no instrumentation library records come from the application's own tracer, named after it. */
function inLanguage(context: OperationContext, model: OperationModel): OperationModel {
  return {
    ...model,
    scope: model.scope ?? { name: context.service, version: "" },
    describe: describeInLanguage(context, model),
  };
}

/**
 * The seed's five span kinds, with names and attributes from the OpenTelemetry semantic conventions for
 * what each operation is: HTTP or gRPC on servers; databases or HTTP APIs on clients; messaging on
 * producers and consumers. A call into a server is synchronous, into a consumer asynchronous.
 */
export default definePlugin({
  name: "span-kinds",
  spanKinds: {
    server: {
      otlpKind: OtlpSpanKind.SERVER,
      call: "request",
      description: "server side of a synchronous request",
      operation: firstOf(httpServerOperation, grpcServerOperation),
    },
    client: {
      otlpKind: OtlpSpanKind.CLIENT,
      call: "direct",
      description: "client side of a request (HTTP, DB)",
      // `METHOD /path` first: no SQL verb or cache command starts with a slash-separated path.
      operation: firstOf(httpClientOperation, databaseOperation, grpcClientOperation),
    },
    producer: {
      otlpKind: OtlpSpanKind.PRODUCER,
      call: "direct",
      description: "sends an asynchronous message",
      operation: firstOf(producerOperation),
    },
    consumer: {
      otlpKind: OtlpSpanKind.CONSUMER,
      call: "message",
      description: "receives an asynchronous message",
      operation: firstOf(consumerOperation),
    },
    internal: {
      otlpKind: OtlpSpanKind.INTERNAL,
      call: "direct",
      description: "work inside one application",
      operation: firstOf(internalOperation),
    },
  },
});
