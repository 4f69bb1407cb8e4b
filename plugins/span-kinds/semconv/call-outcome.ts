import {
  constantAttribute,
  type DescribedCall,
  type Exception as PublicException,
  type KeyValue,
  type Random,
} from "../../../src/index.ts";

/** No attributes: shared by every description that has none. */
export const NONE: readonly KeyValue[] = [];

/** What a failed span records as an exception event and log; `kind` says how it failed (fast, timeout). */
export type Exception = PublicException;

/** One way a call can fail: the span's extra attributes (at least `error.type`) and its exception. */
export interface Failure {
  readonly attributes: readonly KeyValue[];
  readonly exception: Exception;
}

/** A failure whose `error.type` is `errorType`, plus any other attributes the convention asks for. */
export function failure(errorType: string, exception: Exception, ...more: readonly KeyValue[]): Failure {
  return { attributes: [constantAttribute("error.type", errorType), ...more], exception };
}

/**
 * How a request/response call ended, with both sides precomputed. `serverError` and `callerError` are the
 * `error.type` attributes of each side, when that side counts it as an error: HTTP 4xx and gRPC
 * client-caused codes are errors for the caller only (semconv HTTP spans "Status"; gRPC
 * `rpc.response.status_code` notes).
 */
export interface Outcome {
  readonly status?: KeyValue;
  readonly serverError?: KeyValue;
  readonly callerError?: KeyValue;
  readonly exception?: Exception;
}

/** The outcomes of one operation: what success looks like, what the caller rejects, what fails. */
export interface Outcomes {
  readonly success: Outcome;
  /** Answers the server is fine with but the caller counts as errors (HTTP 4xx). */
  readonly rejected: readonly Outcome[];
  readonly failures: readonly Outcome[];
}

/** How often a successful server answers with a client error (HTTP 4xx, gRPC NOT_FOUND and kin). */
export const REJECTED_RATE = 0.01;

/** The outcome of one call; `failed` is the engine's decision, so a failure is drawn exactly when it says so. */
export function drawOutcome(random: Random, failed: boolean, outcomes: Outcomes): Outcome {
  if (failed) return random.pick(outcomes.failures);
  return outcomes.rejected.length > 0 && random.chance(REJECTED_RATE)
    ? random.pick(outcomes.rejected)
    : outcomes.success;
}

/**
 * The descriptions of an operation whose attributes never vary beyond a few precomputed choices:
 * built once, so `describe` only picks one and allocates nothing.
 */
export function precomputedCalls(
  variants: readonly (readonly KeyValue[])[],
  failures: readonly Failure[],
  caller: { readonly attributes: readonly KeyValue[]; readonly failedAttributes?: readonly KeyValue[] } = {
    attributes: NONE,
  },
): (random: Random, failed: boolean) => DescribedCall {
  const succeeded: DescribedCall[] = variants.map((attributes) => ({
    attributes,
    callerAttributes: caller.attributes,
    callerFailed: false,
  }));
  const failedCalls: DescribedCall[] = variants.flatMap((attributes) =>
    failures.map((f) => ({
      attributes: [...attributes, ...f.attributes],
      callerAttributes: caller.failedAttributes ?? caller.attributes,
      callerFailed: true,
      exception: f.exception,
    }))
  );
  const pick = (random: Random, calls: readonly DescribedCall[]) => calls.length === 1 ? calls[0]! : random.pick(calls);
  return (random, failed) => pick(random, failed ? failedCalls : succeeded);
}

/** A `direct` call's description (no caller side): its attributes, plus the failure's when there is one. */
export function directCall(attributes: readonly KeyValue[], failure: Failure | undefined): DescribedCall {
  if (!failure) return { attributes, callerAttributes: NONE, callerFailed: false };
  return {
    attributes: [...attributes, ...failure.attributes],
    callerAttributes: NONE,
    callerFailed: true,
    exception: failure.exception,
  };
}
