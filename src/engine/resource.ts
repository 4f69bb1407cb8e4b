import packageJson from "../../package.json" with { type: "json" };
import type { Deployment, UserAttribute } from "../config/config.ts";
import type { Random } from "../plugin-host/random.ts";
import { attribute } from "../telemetry/attribute.ts";
import type { KeyValue, ResourceRecord } from "../telemetry/records.ts";

/** What each SDK language reports about itself and its runtime. */
const LANGUAGES: Readonly<Record<string, { sdk: string; runtime: string; runtimeVersion: string }>> = {
  java: { sdk: "1.44.1", runtime: "OpenJDK Runtime Environment", runtimeVersion: "21.0.5+11-LTS" },
  go: { sdk: "1.33.0", runtime: "go", runtimeVersion: "go1.23.4" },
  python: { sdk: "1.29.0", runtime: "cpython", runtimeVersion: "3.12.8" },
  nodejs: { sdk: "1.30.0", runtime: "nodejs", runtimeVersion: "22.12.0" },
  dotnet: { sdk: "1.10.0", runtime: ".NET", runtimeVersion: "9.0.0" },
  ruby: { sdk: "1.6.0", runtime: "ruby", runtimeVersion: "3.3.6" },
  php: { sdk: "1.1.0", runtime: "php", runtimeVersion: "8.3.14" },
  rust: { sdk: "0.27.1", runtime: "rustc", runtimeVersion: "1.83.0" },
  cpp: { sdk: "1.18.0", runtime: "cpp", runtimeVersion: "17" },
};

/** Languages a template without `language` is given, from the seed: a plausibly polyglot system. */
export const COMMON_LANGUAGES = ["java", "go", "nodejs", "python", "dotnet"];

const CLOUD_REGIONS = { aws: "us-east-1", gcp: "us-central1", azure: "eastus" } as const;
const CLOUD_PLATFORMS = {
  aws: ["aws_ec2", "aws_eks"],
  gcp: ["gcp_compute_engine", "gcp_kubernetes_engine"],
  azure: ["azure_vm", "azure_aks"],
} as const;

export interface InstanceIdentity {
  readonly service: string;
  /** `service.instance.id`: new for every run, as a restarted process's would be. */
  readonly instanceId: string;
  readonly language: string;
  readonly version: string;
  readonly replica: number;
  readonly deployment: Deployment;
  /** Template's, then the service's own (which win). */
  readonly userAttributes: readonly UserAttribute[];
  /** The host it runs on, when it replaces a process there (a deploy outside Kubernetes); absent: drawn. */
  readonly host?: string;
}

/**
 * The resource of one service instance, as an SDK with its resource detectors would report it.
 * `random` is the instance's own, so hosts and process ids are reproducible from the seed.
 */
export function instanceResource(identity: InstanceIdentity, random: Random): KeyValue[] {
  const { service, deployment } = identity;
  const language = LANGUAGES[identity.language] ?? LANGUAGES.java!;
  // Replicas of one Deployment share its ReplicaSet, whose hash comes from the pod template: the same
  // service, version and namespace give the same hash; each pod adds five characters of its own.
  const replicaSet = `${service}-${safeEncode(`${deployment.namespace}/${service}@${identity.version}`, 10)}`;
  const host = identity.host ??
    (deployment.kubernetes
      ? `${replicaSet}-${safeEncode(random.hex(8), 5)}`
      : `ip-10-${random.int(0, 255)}-${random.int(0, 255)}-${random.int(1, 254)}`);
  // A cluster of a few nodes spread over three zones: each node sits in exactly one.
  const node = random.int(0, NODES - 1);
  const attributes = new Map<string, KeyValue>();
  const set = (key: string, value: string | number) => attributes.set(key, attribute(key, value));
  set("service.name", service);
  if (deployment.namespace !== undefined) set("service.namespace", deployment.namespace);
  set("service.version", identity.version);
  set("service.instance.id", identity.instanceId);
  set("deployment.environment.name", deployment.environment);
  set("host.name", host);
  set("host.arch", "amd64");
  set("os.type", "linux");
  set("process.pid", deployment.kubernetes ? 1 : random.int(1000, 65000));
  set("process.runtime.name", language.runtime);
  set("process.runtime.version", language.runtimeVersion);
  set("telemetry.sdk.name", "opentelemetry");
  set("telemetry.sdk.language", identity.language);
  set("telemetry.sdk.version", language.sdk);
  // Honest provenance: the data is synthetic, and says which generator made it.
  set("telemetry.distro.name", "dreamweaver");
  set("telemetry.distro.version", packageJson.version);
  if (deployment.kubernetes) {
    set("k8s.namespace.name", deployment.namespace ?? "default");
    set("k8s.deployment.name", service);
    set("k8s.replicaset.name", replicaSet);
    set("k8s.pod.name", host);
    set("k8s.node.name", nodeName(node, deployment, deployment.region ?? CLOUD_REGIONS[deployment.cloud ?? "aws"]));
    set("container.name", service);
  }
  if (deployment.cloud !== undefined) {
    const region = deployment.region ?? CLOUD_REGIONS[deployment.cloud];
    set("cloud.provider", deployment.cloud);
    set("cloud.platform", CLOUD_PLATFORMS[deployment.cloud][deployment.kubernetes ? 1 : 0]);
    set("cloud.region", region);
    const zone = deployment.kubernetes ? node % 3 : identity.replica % 3;
    set("cloud.availability_zone", `${region}${"abc"[zone]}`);
  }
  for (const user of identity.userAttributes) {
    attributes.set(user.key, attribute(user.key, user.render ? user.render(random) : user.value));
  }
  return [...attributes.values()];
}

/** The `host.name` of an instance's resource. */
export function hostName(instance: { readonly resource: ResourceRecord }): string | undefined {
  const value = instance.resource.attributes.find((a) => a.key === "host.name")?.value;
  return value && "string" in value ? value.string : undefined;
}

const NODES = 6;

/** Kubernetes's "safe" alphabet for generated names: no vowels, no look-alike digits. */
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** `length` characters of the safe alphabet from a hash of `text` (FNV-1a, widened to 53 bits). */
function safeEncode(text: string, length: number): string {
  let low = 2166136261;
  let high = 5381;
  for (let i = 0; i < text.length; i++) {
    low = Math.imul(low ^ text.charCodeAt(i), 16777619) >>> 0;
    high = (Math.imul(high, 33) + text.charCodeAt(i)) >>> 0;
  }
  let n = (high % 2 ** 21) * 2 ** 32 + low;
  let out = "";
  for (let i = 0; i < length; i++) {
    out += SAFE[n % SAFE.length];
    n = Math.floor(n / SAFE.length);
  }
  return out;
}

/** Node `n`'s name as the cluster's provider names nodes; the same `n` is the same node for every service. */
function nodeName(n: number, deployment: Deployment, region: string): string {
  const id = safeEncode(`node/${n}`, 4);
  switch (deployment.cloud) {
    case "aws": {
      const domain = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
      return `ip-10-0-${16 * (n % 3) + n}-${20 + 7 * n}.${domain}`;
    }
    case "gcp":
      return `gke-cluster-default-pool-${safeEncode("pool", 8)}-${id}`;
    case "azure":
      return `aks-nodepool1-${10000000 + n * 7919}-vmss00000${n}`;
    default:
      return `node-${n + 1}`;
  }
}
