import fc from "fast-check";

/**
 * fast-check arbitraries for a procedure's input, built by walking its zod 4 schema (`schema._zod.def`): values
 * shaped like what the schema expects whose leaves are swapped for what an attacker or a broken client sends
 * (unstorable text, megabyte strings, numbers written every way, values out of range, wrong types, extra keys),
 * and whole inputs of the wrong type. A zod type the walker does not know fails loudly, so a new kind of input
 * is never fuzzed as "anything" by accident.
 */

interface ZodCheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
}

interface ZodDef {
  type: string;
  format?: string;
  pattern?: RegExp;
  checks?: { _zod: { def: ZodCheckDef } }[];
  shape?: Record<string, unknown>;
  catchall?: unknown;
  innerType?: unknown;
  in?: unknown;
  element?: unknown;
  options?: unknown[];
  keyType?: unknown;
  valueType?: unknown;
  left?: unknown;
  right?: unknown;
  entries?: Record<string, string | number>;
  values?: unknown[];
}

function defOf(schema: unknown, path: string): ZodDef {
  const def = (schema as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;
  if (!def) throw new Error(`input fuzzing: ${path || "(input)"} is not a zod 4 schema`);
  return def;
}

function checksOf(def: ZodDef): ZodCheckDef[] {
  return (def.checks ?? []).map((check) => check._zod.def);
}

const MEBIBYTE = 1024 * 1024;

/** Built once: generating a megabyte per run would cost more than sending it. */
export const HUGE_STRINGS: readonly string[] = [
  "a".repeat(MEBIBYTE),
  "9".repeat(MEBIBYTE),
  "€🎸".repeat(MEBIBYTE / 4),
  `${"b".repeat(MEBIBYTE)}\u0000`,
  `${" ".repeat(MEBIBYTE)}x`,
];

/** Every way a number can be spelled in a string, and a few that only look like numbers. */
export const NUMERIC_STRINGS: readonly string[] = [
  "1e3", "1E3", "-1e-3", "1e400", "0x10", "0X1F", "0o17", "0b101", "1_000", "1,000", "1 000", " 12 ", "\t7\n",
  "-0", "+5", "0", "-1", "00012", "1.0", ".5", "5.", "1.5", "Infinity", "-Infinity", "NaN", "9007199254740993",
  "9".repeat(400), "١٢", "٣٫٥", "１２", "１２３４５", "߁߂", "Ⅻ", "12abc", "", "1n", "0n",
];

/** Strings PostgreSQL can't store: the edge must refuse them whatever the field. */
export const UNSTORABLE_STRINGS: readonly string[] = ["\u0000", "a\u0000b", "\uD800", "x\uDC00", "\uDBFF\uDBFF", "🎸".slice(0, 1), "🎸".slice(1)];

/** Strings that are fine to store but trip careless code: SQL, markup, invisible and reordering characters. */
export const AWKWARD_STRINGS: readonly string[] = [
  "", " ", "\u200B", "\u202Eevil", "\uFEFF", "'; DROP TABLE users; --", "%", "_", "\\", "${x}", "{{x}}",
  "<script>alert(1)</script>", "𝕏🎸👨‍👩‍👧", "\r\n", "e\u0301".repeat(500), "a".repeat(10_000), "null", "undefined",
  "true", "__proto__", "constructor", "toString", "../../etc/passwd", "admin@tipmeter.test", "ADMIN", "USD",
];

function unstorableString(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...UNSTORABLE_STRINGS),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...UNSTORABLE_STRINGS), fc.string({ maxLength: 20 }))
      .map(([before, bad, after]) => `${before}${bad}${after}`),
  );
}

/** A value of any type that no field of this app takes as it is. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: unstorableString() },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
    { weight: 4, arbitrary: fc.constantFrom(...NUMERIC_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...AWKWARD_STRINGS) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        -1, 0, -0, 0.5, 1.5, -2.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, Number.MAX_VALUE, Number.MIN_VALUE,
        Number.EPSILON, Infinity, -Infinity, Number.NaN,
      ),
    },
    { weight: 1, arbitrary: fc.double() },
    { weight: 2, arbitrary: fc.constantFrom(-1n, 0n, 1n, 2n ** 63n, -(2n ** 63n), 2n ** 64n, 10n ** 30n, -(10n ** 30n)) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(true, false, null, undefined) },
    { weight: 1, arbitrary: fc.constantFrom(new Date(0), new Date(8.64e15), new Date(-8.64e15)) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>([], [1, 2], ["a"], [null], {}, { a: { b: { c: 1 } } }, { 0: "a", length: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(new Map([["a", 1]]), new Set([1]), /x/g) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true }) },
  );
}

/** Inputs of the wrong type altogether, in place of the whole object a procedure expects. */
export function wrongWholeInput(): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileValue(),
    fc.array(hostileValue(), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), hostileValue(), { maxKeys: 4 }),
  );
}

function numberBounds(def: ZodDef): { min: number; max: number; integer: boolean } {
  let min = -1_000_000;
  let max = 1_000_000;
  let integer = false;
  for (const check of checksOf(def)) {
    if (check.check === "number_format") integer = true;
    if (check.check === "greater_than") min = Number(check.value) + (check.inclusive ? 0 : 1);
    if (check.check === "less_than") max = Number(check.value) - (check.inclusive ? 0 : 1);
  }
  return { min, max: Math.max(min, max), integer };
}

function bigintBounds(def: ZodDef): { min: bigint; max: bigint } {
  // Past PostgreSQL's BIGINT both ways unless the schema says otherwise: superjson carries bigints of any size.
  let min = -(2n ** 70n);
  let max = 2n ** 70n;
  for (const check of checksOf(def)) {
    if (check.check === "greater_than") min = BigInt(check.value as bigint) + (check.inclusive ? 0n : 1n);
    if (check.check === "less_than") max = BigInt(check.value as bigint) - (check.inclusive ? 0n : 1n);
  }
  return { min, max: max < min ? min : max };
}

function lengthBounds(def: ZodDef, cap: number): { minLength: number; maxLength: number } {
  let minLength = 0;
  let maxLength = cap;
  for (const check of checksOf(def)) {
    if (check.check === "min_length" && check.minimum !== undefined) minLength = check.minimum;
    if (check.check === "max_length" && check.maximum !== undefined) maxLength = check.maximum;
    if (check.check === "length_equals" && check.length !== undefined) minLength = maxLength = check.length;
  }
  return { minLength, maxLength: Math.max(minLength, Math.min(maxLength, cap)) };
}

export interface FuzzContext {
  /** Ids of real rows (users, packages) to put in uuid fields, so some inputs get past "not found". */
  knownIds: readonly string[];
  /** Real usernames and similar, for the same reason. */
  knownStrings: readonly string[];
}

function plausibleString(def: ZodDef, context: FuzzContext): fc.Arbitrary<string> {
  const format = def.format ?? checksOf(def).find((check) => check.check === "string_format")?.format;
  if (format === "uuid") return fc.oneof(fc.uuid(), fc.constantFrom(...context.knownIds));
  if (format === "email") return fc.oneof(fc.emailAddress(), fc.constant("admin@tipmeter.test"));
  if (format === "date") {
    const pad = (value: number, width: number) => String(value).padStart(width, "0");
    return fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
      .map(([year, month, day]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
  }
  const pattern = def.pattern ?? checksOf(def).find((check) => check.check === "string_format" && check.pattern)?.pattern;
  if (format === "regex" && pattern) return fc.stringMatching(pattern, { size: "small" });
  const { minLength, maxLength } = lengthBounds(def, 80);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.constantFrom(...AWKWARD_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...context.knownStrings) },
  );
}

/**
 * A value shaped like `schema`. With `hostility` above 0, every node (leaf or container) is replaced by a hostile
 * value with that probability, and objects sometimes carry extra keys.
 */
export function inputShapedLike(schema: unknown, context: FuzzContext, hostility: number, path = ""): fc.Arbitrary<unknown> {
  const shaped = shapedNode(schema, context, hostility, path);
  if (hostility <= 0) return shaped;
  const hostileWeight = Math.max(1, Math.round(hostility * 100));
  return fc.oneof({ weight: 100 - hostileWeight, arbitrary: shaped }, { weight: hostileWeight, arbitrary: hostileValue() });
}

function shapedNode(schema: unknown, context: FuzzContext, hostility: number, path: string): fc.Arbitrary<unknown> {
  const def = defOf(schema, path);
  const inner = (child: unknown, childPath = path) => inputShapedLike(child, context, hostility, childPath);
  switch (def.type) {
    case "string":
      return plausibleString(def, context);
    case "number": {
      const { min, max, integer } = numberBounds(def);
      return integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
    }
    case "bigint":
      return fc.bigInt(bigintBounds(def));
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.date({ noInvalidDate: true });
    case "null":
      return fc.constant(null);
    case "undefined":
    case "void":
      return fc.constant(undefined);
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "literal":
      return fc.constantFrom(...(def.values ?? []));
    case "optional":
    case "default":
    case "prefault":
      return fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
    case "nullable":
      return fc.option(inner(def.innerType), { nil: null, freq: 4 });
    case "readonly":
    case "catch":
    case "nonoptional":
      return inner(def.innerType);
    case "pipe":
      return inner(def.in);
    case "array": {
      const { minLength, maxLength } = lengthBounds(def, 8);
      return fc.array(inner(def.element, `${path}[]`), { minLength, maxLength });
    }
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => inner(option)));
    case "record":
      return fc.dictionary(
        shapedNode(def.keyType, context, 0, `${path}{key}`) as fc.Arbitrary<string>,
        inner(def.valueType, `${path}{}`),
        { maxKeys: 4 },
      );
    case "object": {
      const shape = def.shape ?? {};
      const model = Object.fromEntries(Object.entries(shape).map(([key, child]) => [key, inner(child, path ? `${path}.${key}` : key)]));
      const requiredKeys = Object.keys(shape).filter((key) => !isOptional(shape[key]));
      const record = fc.record(model, { requiredKeys });
      if (hostility <= 0) return record;
      return fc
        .tuple(record, fc.option(fc.dictionary(fc.string({ maxLength: 12 }), hostileValue(), { maxKeys: 3 }), { freq: 4 }))
        .map(([value, extra]) => ({ ...extra, ...value }));
    }
    case "any":
    case "unknown":
    case "custom":
      return fc.anything({ maxDepth: 2 });
    default:
      throw new Error(`input fuzzing: no generator for zod type "${def.type}" at ${path || "(input)"}; teach server/testing/hostile-inputs.ts`);
  }
}

function isOptional(schema: unknown): boolean {
  const type = (schema as { _zod?: { optin?: string } })._zod?.optin;
  return type === "optional";
}

/**
 * The mix sent to one procedure: shaped inputs with some leaves made hostile, wrong types for the whole input,
 * and well-formed inputs whose text is awkward (including real ids and names, to reach past the schema).
 */
export function fuzzedInput(schema: unknown, context: FuzzContext): fc.Arbitrary<unknown> {
  if (schema === undefined) return wrongWholeInput();
  return fc.oneof(
    { weight: 5, arbitrary: inputShapedLike(schema, context, 0.25) },
    { weight: 2, arbitrary: wrongWholeInput() },
    { weight: 3, arbitrary: inputShapedLike(schema, context, 0) },
  );
}
