// What each command's --help ends with: a few examples to copy, and the environment variables it reads.

/** The end of one command's help. */
export interface CommandHelp {
  readonly examples: readonly string[];
  /** Variable name (or family) and what it does. */
  readonly environment: readonly (readonly [string, string])[];
}

const OTLP_ENVIRONMENT: readonly (readonly [string, string])[] = [
  [
    "OTEL_EXPORTER_OTLP_*",
    "endpoint, headers, protocol, compression, timeout, TLS files, insecure, temporality (per signal too)",
  ],
  ["OTEL_RESOURCE_ATTRIBUTES", "k=v,k2=v2 added to every service's resource, e.g. run.id=42"],
  ["OTEL_SERVICE_NAME", "ignored, with a note: every simulated service has its own name"],
];

const COLOUR: readonly [string, string] = ["NO_COLOR", "set: help without colour (it has none when not a terminal)"];

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  dreamweaver: {
    examples: [
      "dreamweaver examples/ecommerce.yaml --sink --requests 100",
      "dreamweaver validate examples/ecommerce.yaml",
      "dreamweaver run examples/ecommerce.yaml --endpoint grpc://collector:4317 --duration inf",
    ],
    environment: [...OTLP_ENVIRONMENT, COLOUR],
  },
  run: {
    examples: [
      "dreamweaver run examples/ecommerce.yaml --sink --requests 100",
      "dreamweaver run examples/ecommerce.yaml --endpoint https://otlp.example.com --header api-key=s3cret",
      "dreamweaver run examples/ecommerce.yaml --fast --start-time 2026-01-01T00:00:00Z --exporter file:out.jsonl",
    ],
    environment: [
      ...OTLP_ENVIRONMENT,
      ["CI", "set: a plain progress line every 5 s instead of one updated in place"],
      COLOUR,
    ],
  },
  validate: {
    examples: [
      "dreamweaver validate examples/ecommerce.yaml",
      "dreamweaver validate examples/ecommerce.yaml --rate 500 --protocol http/protobuf --json",
    ],
    environment: [...OTLP_ENVIRONMENT, COLOUR],
  },
  explain: {
    examples: [
      "dreamweaver explain examples/ecommerce.yaml",
      "dreamweaver explain examples/marketplace.yaml --requests 2 --from 40 --seed other",
      "dreamweaver explain examples/incident.yaml --at 12m",
    ],
    environment: [...OTLP_ENVIRONMENT, COLOUR],
  },
  graph: {
    examples: [
      "dreamweaver graph examples/ecommerce.yaml",
      "dreamweaver graph examples/marketplace.yaml --format dot | dot -Tsvg > marketplace.svg",
    ],
    environment: [...OTLP_ENVIRONMENT, COLOUR],
  },
  sink: {
    examples: [
      "dreamweaver sink",
      "dreamweaver sink --grpc-port 4317 --http-port 4318 --json > report.json",
      "dreamweaver sink --fail-rate 0.1 --delay-ms 50",
    ],
    environment: [["CI", "set: a plain status line every 5 s instead of one updated in place"], COLOUR],
  },
  init: {
    examples: [
      "dreamweaver init",
      "dreamweaver init shop.yaml --template queue",
      "dreamweaver init dreamweaver.yaml --template minimal --force",
    ],
    environment: [COLOUR],
  },
  schema: {
    examples: [
      "dreamweaver schema > dreamweaver.schema.json",
      "dreamweaver schema | jq '.properties | keys'",
    ],
    environment: [COLOUR],
  },
  completion: {
    examples: [
      'eval "$(dreamweaver completion bash)"    # in ~/.bashrc',
      "dreamweaver completion zsh > ~/.zfunc/_dreamweaver",
      "dreamweaver completion fish > ~/.config/fish/completions/dreamweaver.fish",
    ],
    environment: [COLOUR],
  },
};
