import { defineCommand } from "citty";
import { badFlag } from "../../plugin-host/messages.ts";
import { writeErr, writeNewFile } from "../host.ts";
import { INIT_TEMPLATES, type InitTemplate } from "../init-templates.ts";
import { guarded } from "./guarded.ts";

const TEMPLATES = Object.keys(INIT_TEMPLATES) as InitTemplate[];

/** `dreamweaver init [file] [--template web|queue|minimal]`: a small commented config that validates and runs. */
export const initCommand = defineCommand({
  meta: { name: "init", description: "Write a small commented config to start from" },
  args: {
    file: { type: "positional", required: false, default: "dreamweaver.yaml", description: "Where to write it" },
    template: {
      type: "enum",
      options: TEMPLATES,
      default: "web",
      description: "web (a shop: frontend, API, cache, database), queue (a producer and a consumer) or minimal",
    },
    force: { type: "boolean", description: "Replace the file if it exists" },
  },
  run: guarded(async ({ args }) => {
    const template = args.template as InitTemplate;
    if (!TEMPLATES.includes(template)) {
      throw badFlag("--template", `must be ${TEMPLATES.join(", ")} (was "${args.template}")`);
    }
    await writeNewFile(args.file, INIT_TEMPLATES[template](args.file), args.force === true);
    writeErr(`wrote ${args.file} (${template}); next: dreamweaver validate ${args.file}`);
  }),
});
