import type { KeyValue, OperationContext, OperationModel, Plugin, SpanKindDefinition } from "../index.ts";
import { Findings, THREW } from "./findings.ts";
import { sameValue, seededRandom, withoutAmbientSources } from "./sandbox.ts";

/** Descriptions drawn per operation and outcome; the first few are drawn twice, to compare. */
const DRAWS = 200;
const REDRAWN = 5;

/**
 * Operations as users write them in templates, one of each common convention: what a span kind's
 * `operation()` is handed when no list of the plugin's own is given.
 */
export const SAMPLE_OPERATIONS: readonly OperationContext[] = [
  { operation: "GET /api/users/{id}", service: "user-service", template: "http-server" },
  { operation: "POST /api/orders", service: "api", template: "api-service", language: "java" },
  { operation: "acme.shop.v1.CartService/AddItem", service: "cart", template: "grpc", language: "go" },
  { operation: "SELECT", service: "users-db", template: "database-client" },
  { operation: "HGET", service: "session-cache", template: "redis", semconv: "v1.24" },
  { operation: "publish orders", service: "orders-out", template: "order-publisher", semconv: "dup" },
  { operation: "process orders", service: "fulfilment", template: "fulfilment-worker", language: "python" },
  { operation: "compute-price", service: "pricing", template: "pricing-engine", edge: true },
];

/**
 * Span kinds: each compiles every operation into span names and a `describe` whose descriptions agree
 * with the engine's `failed` (`error.type` and an exception exactly when it failed; for `request` calls,
 * a failed call fails its caller, whose `error.type` matches `callerFailed`), repeat no attribute key,
 * and come out the same from the same randomness, with no randomness or clock of their own.
 *
 * @example
 * test("span kinds", () => checkSpanKinds(plugin, [{ operation: "invoke checkout", service: "fn", template: "fn" }]));
 */
export function checkSpanKinds(plugin: Plugin, operations: readonly OperationContext[] = SAMPLE_OPERATIONS): void {
  const findings = new Findings(plugin);
  spanKindFindings(findings, operations);
  findings.throwIfAny();
}

export function spanKindFindings(findings: Findings, operations: readonly OperationContext[]): void {
  for (const [name, kind] of Object.entries(findings.plugin.spanKinds ?? {})) {
    if (!kind.operation) continue;
    for (const context of operations) checkOperation(findings, `spanKinds.${name}`, kind, context);
  }
}

function checkOperation(findings: Findings, kindName: string, kind: SpanKindDefinition, context: OperationContext) {
  const where = `${kindName} "${context.operation}"`;
  const model = findings.attempt(`${where}: operation()`, () => withoutAmbientSources(() => kind.operation!(context)));
  if (model === THREW) return;
  findings.expect(isText(model.name), `${where}: name must be non-empty text`);
  findings.expect(isText(model.callerName), `${where}: callerName must be non-empty text`);
  const metricKeys = model.metricAttributes ?? [];
  findings.expect(metricKeys.every(isText), `${where}: metricAttributes must be attribute keys`);
  for (const failed of [false, true]) {
    for (let i = 0; i < DRAWS; i++) {
      if (!checkDescription(findings, `${where}, failed=${failed}`, kind, model, failed, i)) break;
    }
  }
}

/** One description; false when describe threw, so that the draws stop there. */
function checkDescription(
  findings: Findings,
  where: string,
  kind: SpanKindDefinition,
  model: OperationModel,
  failed: boolean,
  i: number,
): boolean {
  const draw = () => withoutAmbientSources(() => model.describe(seededRandom(i), failed));
  const call = findings.attempt(`${where}: describe()`, draw);
  if (call === THREW) return false;
  const expect = (ok: boolean, rule: string) => findings.expect(ok, `${where}: ${rule}`);
  expect(hasErrorType(call.attributes) === failed, "error.type must be set exactly when failed");
  expect((call.exception !== undefined) === failed, "an exception must be given exactly when failed");
  expect(wellFormed(call.attributes), "attributes must be keyed values, no key twice");
  if (kind.call === "request") {
    expect(wellFormed(call.callerAttributes), "callerAttributes must be keyed values, no key twice");
    if (failed) expect(call.callerFailed, "a failed request must fail its caller (callerFailed)");
    expect(hasErrorType(call.callerAttributes) === call.callerFailed, "caller's error.type exactly when callerFailed");
  }
  if (i < REDRAWN) expect(sameValue(draw(), call), "must be reproducible from its random");
  return true;
}

function isText(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}

function hasErrorType(attributes: readonly KeyValue[]): boolean {
  return attributes.some((attribute) => attribute.key === "error.type");
}

function wellFormed(attributes: readonly KeyValue[]): boolean {
  const keys = attributes.map((attribute) => attribute.key);
  return keys.every(isText) && attributes.every((a) => typeof a.value === "object") &&
    new Set(keys).size === keys.length;
}
