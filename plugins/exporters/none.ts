import { definePlugin } from "../../src/index.ts";

/** Accepts everything and sends nothing: for benchmarks of generation and encoding alone. */
export default definePlugin({
  name: "null-exporter",
  exporters: {
    none: () => ({
      borrowsRequests: true,
      export: () => Promise.resolve({ rejected: 0 }),
      close: () => Promise.resolve(),
    }),
  },
});
