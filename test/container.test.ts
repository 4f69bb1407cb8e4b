// The container image and the Kubernetes manifest cannot be built or applied here; these checks keep
// them consistent with what is: the binaries `npm run build:bins` writes, the package's version, the
// command line, and a non-root user.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import packageJson from "../package.json" with { type: "json" };
import { TARGETS } from "../scripts/compile.ts";
import { ROOT } from "./helpers/cli.ts";

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const job = parse(readFileSync(join(ROOT, "deploy", "indexed-job.yaml"), "utf8"));

test("the Dockerfile takes the Linux binaries build:bins writes, and runs them as a non-root user", () => {
  const copied = [...dockerfile.matchAll(/^COPY release\/dreamweaver-(\S+) /gm)].map((match) => match[1]);
  expect(copied).toEqual(["linux-x64", "linux-arm64"]);
  for (const target of copied) expect(TARGETS).toContain(target as (typeof TARGETS)[number]);
  expect(dockerfile).toMatch(/^USER 65532:65532$/m);
  expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/dreamweaver"\]$/m);
  const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8");
  for (const target of copied) expect(ignored).toContain(`!release/dreamweaver-${target}`);
});

test("the Job runs this version's image, non-root, one shard per completion index", () => {
  const { completions, parallelism, template } = job.spec;
  const [container] = template.spec.containers;
  expect(container.image).toEndWith(`/dreamweaver:${packageJson.version}`);
  expect(template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
  const args: string[] = container.args;
  expect(args.slice(0, 2)).toEqual(["run", "/config/config.yaml"]);
  expect(args[args.indexOf("--shard") + 1]).toBe(`$(SHARD)/${completions}`);
  expect(parallelism).toBe(completions);
  const shard = container.env.find((variable: { name: string }) => variable.name === "SHARD");
  expect(shard.valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
});
