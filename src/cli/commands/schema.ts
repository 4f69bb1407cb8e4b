import { defineCommand } from "citty";
import { writeOut } from "../host.ts";

/** `dreamweaver schema`: the config's JSON Schema, e.g. `dreamweaver schema > dreamweaver.schema.json`. */
export const schemaCommand = defineCommand({
  meta: { name: "schema", description: "Print the JSON Schema of the config file, for editors and validators" },
  async run() {
    // Generated from the arktype schema, whose loading `--help` should not wait for.
    const { configJsonSchema } = await import("../../config/json-schema.ts");
    writeOut(JSON.stringify(configJsonSchema(), null, 2));
  },
});
