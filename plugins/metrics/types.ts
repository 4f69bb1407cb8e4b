import { definePlugin } from "../../src/index.ts";

/** The seed's metric types and the OTLP data each becomes. */
export default definePlugin({
  name: "metric-types",
  metricTypes: {
    counter: { data: "sum", description: "monotonic cumulative sum, +1 per request the service handles" },
    updowncounter: {
      data: "sum",
      monotonic: false,
      description: "non-monotonic cumulative sum (active requests, connections, memory used) modelled from the name",
    },
    gauge: { data: "gauge", description: "point-in-time value modelled from the metric's name" },
    histogram: { data: "histogram", description: "distribution; *duration* metrics take span durations" },
  },
});
