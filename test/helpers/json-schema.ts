// A small JSON Schema (2020-12) validator for the keywords `dreamweaver schema` uses, independent of
// arktype, which generates the schema. A keyword it does not know is an error rather than a pass, so a
// schema that grows past it fails loudly instead of being half checked.

type Schema = { readonly [keyword: string]: unknown };

/** Keywords that describe and never constrain. */
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$comment", "default", "examples"]);

/** Every way `value` breaks `schema`, each as `<JSON pointer>: <what>`; empty when it is valid. */
export function validateJsonSchema(schema: Schema, value: unknown, at = ""): string[] {
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${at || "/"}: ${message}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const check = KEYWORDS[keyword];
    if (!check) throw new Error(`${at || "/"}: the validator does not know the keyword "${keyword}"`);
    check(rule, value, { schema, at, fail, errors });
  }
  return errors;
}

interface Context {
  readonly schema: Schema;
  readonly at: string;
  fail(message: string): void;
  readonly errors: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const TYPES: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === "string",
  number: (value) => typeof value === "number" && Number.isFinite(value),
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === "boolean",
  object: isObject,
  array: Array.isArray,
  null: (value) => value === null,
};

const KEYWORDS: Record<string, (rule: unknown, value: unknown, context: Context) => void> = {
  type(rule, value, { fail }) {
    const types = [rule].flat() as string[];
    if (!types.some((type) => TYPES[type]!(value))) fail(`must be ${types.join(" or ")}`);
  },
  enum(rule, value, { fail }) {
    if (!(rule as unknown[]).some((option) => option === value)) fail(`must be one of ${JSON.stringify(rule)}`);
  },
  const(rule, value, { fail }) {
    if (rule !== value) fail(`must be ${JSON.stringify(rule)}`);
  },
  anyOf(rule, value, { at, fail }) {
    if (!(rule as Schema[]).some((option) => validateJsonSchema(option, value, at).length === 0)) {
      fail("matches none of the allowed forms");
    }
  },
  properties(rule, value, { at, errors }) {
    if (!isObject(value)) return;
    for (const [key, schema] of Object.entries(rule as Record<string, Schema>)) {
      if (key in value) errors.push(...validateJsonSchema(schema, value[key], `${at}/${key}`));
    }
  },
  required(rule, value, { fail }) {
    if (!isObject(value)) return;
    for (const key of rule as string[]) if (!(key in value)) fail(`"${key}" is required`);
  },
  additionalProperties(rule, value, { schema, at, fail, errors }) {
    if (!isObject(value)) return;
    const declared = Object.keys((schema.properties ?? {}) as object);
    for (const key of Object.keys(value).filter((key) => !declared.includes(key))) {
      if (rule === false) fail(`"${key}" is not allowed`);
      else errors.push(...validateJsonSchema(rule as Schema, value[key], `${at}/${key}`));
    }
  },
  items(rule, value, { at, errors }) {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => errors.push(...validateJsonSchema(rule as Schema, item, `${at}/${i}`)));
  },
  minItems(rule, value, { fail }) {
    if (Array.isArray(value) && value.length < (rule as number)) fail(`must have at least ${rule} items`);
  },
  maxItems(rule, value, { fail }) {
    if (Array.isArray(value) && value.length > (rule as number)) fail(`must have at most ${rule} items`);
  },
  minLength(rule, value, { fail }) {
    if (typeof value === "string" && [...value].length < (rule as number)) fail(`must be at least ${rule} long`);
  },
  maxLength(rule, value, { fail }) {
    if (typeof value === "string" && [...value].length > (rule as number)) fail(`must be at most ${rule} long`);
  },
  pattern(rule, value, { fail }) {
    if (typeof value === "string" && !new RegExp(rule as string, "u").test(value)) fail(`must match ${rule}`);
  },
  minimum(rule, value, { fail }) {
    if (typeof value === "number" && value < (rule as number)) fail(`must be >= ${rule}`);
  },
  maximum(rule, value, { fail }) {
    if (typeof value === "number" && value > (rule as number)) fail(`must be <= ${rule}`);
  },
  exclusiveMinimum(rule, value, { fail }) {
    if (typeof value === "number" && value <= (rule as number)) fail(`must be > ${rule}`);
  },
  exclusiveMaximum(rule, value, { fail }) {
    if (typeof value === "number" && value >= (rule as number)) fail(`must be < ${rule}`);
  },
};
