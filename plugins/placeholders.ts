import { definePlugin } from "../src/index.ts";

const ERRORS = [
  "Connection timeout",
  "Connection refused",
  "Connection reset by peer",
  "Deadline exceeded",
  "Service unavailable",
  "Too many requests",
  "Internal server error",
  "Upstream request timeout",
  "Database connection pool exhausted",
  "Lock wait timeout exceeded",
  "Out of memory",
  "Certificate has expired",
];

/** The seed's log-pattern placeholders, with the ranges its README documents. */
export default definePlugin({
  name: "placeholders",
  placeholders: {
    ip: {
      description: "a random IPv4 address, e.g. 192.168.1.42",
      // Unicast, not loopback, not a network or broadcast address: what a client address looks like.
      generate: ({ random }) => {
        let first = random.int(1, 223);
        if (first === 127) first = 10;
        return `${first}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
      },
    },
    duration: {
      description: "a duration from 1 to 500, e.g. 127",
      generate: ({ random }) => String(random.int(1, 500)),
    },
    error: {
      description: "a random error message, e.g. Connection timeout",
      generate: ({ random }) => random.pick(ERRORS),
    },
    user_id: { description: "a user id from 1000 to 9999", generate: ({ random }) => String(random.int(1000, 9999)) },
    request_id: { description: "16 random hex digits", generate: ({ random }) => random.hex(16) },
  },
});
