import metricTypes from "./metric-types.ts";
import placeholders from "./placeholders.ts";
import spanKinds from "./span-kinds.ts";

/** The plugins every run starts with; their contributions are addressed without a namespace. */
export const builtinPlugins = [spanKinds, placeholders, metricTypes];
