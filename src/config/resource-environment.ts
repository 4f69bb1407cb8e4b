// The OpenTelemetry SDKs' resource variables. OTEL_RESOURCE_ATTRIBUTES adds to every simulated service's
// resource, which is how a run tells itself apart in a backend (`run.id=42`). The variables that name a
// service cannot apply to a system of many services, so they are ignored, with a note saying so.
import type { Problem } from "../plugin-host/errors.ts";
import type { UserAttribute } from "./config.ts";
import type { Environment } from "./otel-environment.ts";

const ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
const SERVICE_NAME = "OTEL_SERVICE_NAME";
/** Each simulated service and instance has its own; one value for all would merge them. */
const PER_SERVICE = ["service.name", "service.instance.id"];

export interface EnvironmentResource {
  readonly attributes: readonly UserAttribute[];
  /** What was ignored, one sentence each, for the user to read. */
  readonly notes: readonly string[];
}

/**
 * OTEL_RESOURCE_ATTRIBUTES as `key=value,key2=value2` (values percent-decoded, as the specification
 * says); a malformed entry is a problem named by the variable, and the variable is then not applied.
 */
export function environmentResource(env: Environment, problems: Problem[]): EnvironmentResource {
  const notes: string[] = [];
  if (env[SERVICE_NAME]?.trim()) {
    notes.push(`${SERVICE_NAME} is ignored: every simulated service has its own name, from the config`);
  }
  const text = env[ATTRIBUTES] ?? "";
  const attributes: UserAttribute[] = [];
  const before = problems.length;
  text.split(",").forEach((entry, index) => {
    if (entry.trim() === "") return;
    const equals = entry.indexOf("=");
    const key = entry.slice(0, Math.max(0, equals)).trim();
    if (equals < 0 || key === "") {
      problems.push({ path: ATTRIBUTES, message: `entry ${index + 1} is not key=value, e.g. run.id=42` });
      return;
    }
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      problems.push({ path: ATTRIBUTES, message: `the value of "${key}" is not valid percent-encoding` });
      return;
    }
    if (PER_SERVICE.includes(key)) notes.push(`${ATTRIBUTES}: ${key} is ignored: each simulated service has its own`);
    else attributes.push({ key, value });
  });
  return { attributes: problems.length > before ? [] : attributes, notes };
}
