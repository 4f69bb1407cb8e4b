import { defineCommand } from "citty";
import { configJsonSchema } from "../../config/json-schema.ts";
import { writeOut } from "../host.ts";

/** `dreamweaver schema`: the config's JSON Schema, e.g. `dreamweaver schema > dreamweaver.schema.json`. */
export const schemaCommand = defineCommand({
  meta: { name: "schema", description: "Print the JSON Schema of the config file, for editors and validators" },
  run: () => writeOut(JSON.stringify(configJsonSchema(), null, 2)),
});
