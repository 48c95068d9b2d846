// Hostile JSON for the property tests: values of every wrong type, deep nesting, odd and huge strings, operator
// objects and prototype keys, written out as text so that keys such as __proto__ reach the server as own properties.
import fc from 'fast-check';

/** A JSON object as its entries, so that duplicate and `__proto__` keys survive until the text is written. */
export class JsonObject {
  constructor(readonly entries: readonly (readonly [string, JsonTree])[]) {}
}

/** JSON text spliced in as it is: numbers JSON.stringify cannot write (1e999, -0, thirty digits), deep brackets. */
export class JsonRaw {
  constructor(readonly text: string) {}
}

export type JsonTree = null | boolean | number | string | JsonTree[] | JsonObject | JsonRaw;

export function toJsonText(value: JsonTree): string {
  if (value instanceof JsonRaw) return value.text;
  if (value instanceof JsonObject) {
    const members = value.entries.map(
      ([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`,
    );
    return `{${members.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  return JSON.stringify(value);
}

const object = (record: Record<string, JsonTree>) => new JsonObject(Object.entries(record));

// Characters that break naive handling: NUL and controls, bidirectional overrides, zero-width and invisible
// characters, non-characters, lookalikes that case-fold or normalize into ASCII, and JSON and Mongo metacharacters.
// Array.from splits by code point, on purpose: each one is a separate unit.
const ODD_CHARACTERS = [
  ...Array.from('\u0000\u0007\u001B\u007F\u0085\u202E\u202D\u2066\u200B\u200C\u200D\u2060\uFEFF'),
  ...Array.from('\u00AD\u2028\u2029\u3164\uFFFD\uFFFE\uFFFF\u212A\u0130\uFF20\u{1F600}\u{E0041}'),
  ...Array.from('<>"\\$.%@ \t\n'),
  'e\u0301',
];
const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((unit) => String.fromCharCode(unit));
/** One character (or code point, or grapheme) that breaks naive text handling. */
export const oddCharacter: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_CHARACTERS),
  loneSurrogate,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);

export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: oddCharacter, maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    '[object Object]',
    "' OR '1'='1' --",
    '<script>x</script>',
  ),
);

const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

/** A short string repeated to fill up to 15 kB of JSON text, so some bodies pass the 10 kB limit and some do not. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: oddCharacter, minLength: 1, maxLength: 8 }),
    fc.integer({ min: 300, max: 15_000 }),
  )
  .map(([unit, bytes]) =>
    unit.repeat(Math.max(1, Math.floor(bytes / Math.max(1, jsonBytes(unit))))),
  );

export const operatorObject: fc.Arbitrary<JsonObject> = fc.constantFrom(
  object({ $gt: '' }),
  object({ $ne: null }),
  object({ $where: 'sleep(1000) || true' }),
  object({ $regex: '.*' }),
  object({ $regex: '^', $options: 'i' }),
  object({ $in: ['a', 'b'] }),
  object({ $exists: true }),
  object({ $expr: object({ $eq: [1, 1] }) }),
  object({ $or: [object({}), object({ a: 1 })] }),
);

const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
];
const pollutingValue: fc.Arbitrary<JsonTree> = fc.constantFrom(
  object({ polluted: true, role: 'admin', isAdmin: true }),
  object({ prototype: object({ polluted: true, role: 'admin' }) }),
  new JsonObject([['__proto__', object({ polluted: 'deep' })]]),
  'admin',
  null,
  1,
);
/** `__proto__`, `constructor` and friends as keys, carrying a payload that would show if it polluted anything. */
export const prototypeEntry: fc.Arbitrary<readonly [string, JsonTree]> = fc.tuple(
  fc.constantFrom(...PROTOTYPE_KEYS),
  pollutingValue,
);

const key: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'email',
    'password',
    'name',
    'refreshToken',
    'role',
    'id',
    'isAdmin',
    'email[$ne]',
    '$where',
    '',
  ),
  fc.constantFrom(...PROTOTYPE_KEYS),
  oddString,
);

const rawNumber = fc
  .constantFrom(
    '1e999',
    '-1e999',
    '-0',
    '1e-400',
    '123456789012345678901234567890',
    '0.0000001e+7',
    '-9007199254740993',
  )
  .map((text) => new JsonRaw(text));

const scalar: fc.Arbitrary<JsonTree> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  rawNumber,
  oddString,
);

/** Any JSON value a few levels deep, objects among them holding operator and prototype keys. */
export const jsonTree: fc.Arbitrary<JsonTree> = fc.letrec<{ tree: JsonTree }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    scalar,
    operatorObject,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc
      .array(fc.oneof(fc.tuple(key, tie('tree')), prototypeEntry), { maxLength: 4 })
      .map((entries) => new JsonObject(entries)),
  ),
})).tree;

/** One value nested a few hundred levels deep in arrays, objects and `__proto__` objects, in a repeating pattern. */
export const deepTree: fc.Arbitrary<JsonTree> = fc
  .tuple(
    fc.integer({ min: 100, max: 600 }),
    fc.array(fc.constantFrom('array', 'object', '__proto__'), { minLength: 1, maxLength: 4 }),
    scalar,
  )
  .map(([depth, pattern, leaf]) => {
    let tree = leaf;
    for (let level = 0; level < depth; level += 1) {
      const wrapper = pattern[level % pattern.length];
      tree =
        wrapper === 'array'
          ? [tree]
          : new JsonObject([[wrapper === 'object' ? 'a' : '__proto__', tree]]);
    }
    return tree;
  });

/** Brackets nested thousands deep as plain text: some within the body limit, some over it. */
const deepText: fc.Arbitrary<JsonRaw> = fc
  .tuple(fc.integer({ min: 500, max: 6_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([depth, [open, close]]) => new JsonRaw(`${open.repeat(depth)}1${close.repeat(depth)}`));

/** A value of the wrong type for any field: numbers, booleans, null, arrays, objects, operators, deep or odd text. */
export const hostileValue: fc.Arbitrary<JsonTree> = fc.oneof(
  scalar,
  hugeString,
  operatorObject,
  jsonTree,
  deepTree,
);

/** JSON whose top level is not an object: arrays, strings, numbers, booleans, null. */
const notAnObject: fc.Arbitrary<JsonTree> = fc.oneof(
  scalar,
  hugeString,
  fc.array(jsonTree, { maxLength: 4 }),
  deepText,
);

const MISSING = Symbol('missing');

/**
 * JSON text for an endpoint whose body has `fields`, each given its plausible values: mostly near-valid objects
 * (some fields plausible, some hostile, some missing, with unknown and prototype keys added), otherwise JSON of
 * any shape.
 */
export function hostileBody(fields: Record<string, fc.Arbitrary<JsonTree>>): fc.Arbitrary<string> {
  const field = (plausible: fc.Arbitrary<JsonTree>) =>
    fc.oneof(
      { weight: 5, arbitrary: plausible },
      { weight: 2, arbitrary: hostileValue },
      { weight: 1, arbitrary: fc.constant<typeof MISSING>(MISSING) },
    );
  const values = fc.record(
    Object.fromEntries(Object.entries(fields).map(([name, plausible]) => [name, field(plausible)])),
  );
  const extra = fc.oneof(fc.tuple(key, hostileValue), prototypeEntry);
  const extras = fc.oneof(fc.constant([]), fc.array(extra, { minLength: 1, maxLength: 3 }));
  const nearValid = fc.tuple(values, extras).map(([record, extra]) => {
    const present = Object.entries(record).filter(
      (entry): entry is [string, JsonTree] => entry[1] !== MISSING,
    );
    return toJsonText(new JsonObject([...present, ...extra]));
  });
  return fc.oneof(
    { weight: 6, arbitrary: nearValid },
    { weight: 1, arbitrary: notAnObject.map(toJsonText) },
    { weight: 1, arbitrary: deepTree.map(toJsonText) },
    { weight: 1, arbitrary: jsonTree.map(toJsonText) },
  );
}
