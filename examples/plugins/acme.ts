// A third-party plugin as a user would write it: one file, the public API only.
// Its contributions are namespaced by the plugin's name: `{acme/order_id}`, `{acme/sku}`.
import { definePlugin } from "dreamweaver";

const CATEGORIES = ["books", "garden", "toys", "kitchen", "audio"];

export default definePlugin({
  name: "acme",
  placeholders: {
    order_id: ({ random }) => `ORD-${random.int(100000, 999999)}`,
    sku: {
      description: "a product SKU; {acme/sku:<category>} fixes the category",
      check: (args) => (args.length > 1 ? "takes at most one argument, the category" : undefined),
      generate: ({ random, args }) => `${args[0] ?? random.pick(CATEGORIES)}-${random.hex(6).toUpperCase()}`,
    },
  },
});
