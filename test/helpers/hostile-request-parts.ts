// Hostile request parts other than JSON bodies: altered secrets, Authorization header values, query strings, and raw
// bodies that are not JSON, not declared as JSON in UTF-8, or compressed.
import fc from 'fast-check';
import { jsonTree, oddCharacter, toJsonText } from './hostile-arbitraries.js';

/**
 * A secret altered: extended, prefixed, truncated, one character replaced, upper-cased, or cut at a dot. A token
 * altered so never verifies; a password may come out unchanged (no dot), so callers judge the result themselves.
 */
export function alteredSecret(
  token: string,
  character: fc.Arbitrary<string> = oddCharacter,
): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: character, minLength: 1, maxLength: 4 }).map((suffix) => token + suffix),
    fc.string({ unit: character, minLength: 1, maxLength: 4 }).map((prefix) => prefix + token),
    fc.integer({ min: 1, max: token.length }).map((cut) => token.slice(0, token.length - cut)),
    fc
      .tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom('A', 'b', '.', '-', '_'))
      .map(([at, c]) => {
        const replacement = token[at] === c ? '0' : c;
        return token.slice(0, at) + replacement + token.slice(at + 1);
      }),
    fc.constant(token.toUpperCase()),
    fc.constant(token.split('.').slice(0, 2).join('.')),
  );
}

// Bytes Node's HTTP client will put in a header value: tab, printable ASCII and Latin-1.
const headerCharacter = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x80, max: 0xff }),
    fc.constant(0x09),
  )
  .map((code) => String.fromCharCode(code));
const headerText = fc.string({ unit: headerCharacter, maxLength: 60 });

/** Authorization header values (undefined: no header) around the given tokens. */
export function authorizationValue(tokens: readonly string[]): fc.Arbitrary<string | undefined> {
  const token = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...tokens) },
    ...tokens.map((known) => alteredSecret(known, headerCharacter)),
    headerText,
  );
  const scheme = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('Bearer', 'bearer', 'BEARER') },
    fc.constantFrom('Basic', 'Token', 'Bearer:', 'Bearer\t', ''),
  );
  const separator = fc.oneof(
    { weight: 3, arbitrary: fc.constant(' ') },
    fc.constantFrom('  ', '\t', '', ','),
  );
  const trailer = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    fc.constantFrom(' ', '\t', ',', ' x', `, ${tokens[0] ?? ''}`),
  );
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(scheme, separator, token, trailer).map((parts) => parts.join('')),
    },
    headerText,
    fc
      .tuple(headerText, fc.integer({ min: 10, max: 120 }))
      .map(([text, times]) => text.repeat(times)),
    fc.constant(undefined),
  );
}

// Query-string parts: raw punctuation, percent-encoded UTF-8 (lone surrogates become U+FFFD), arbitrary bytes
// (invalid UTF-8 included), malformed escapes, and the keys an attacker tries on extended parsers.
const percentEncoded = (bytes: Iterable<number>) =>
  Array.from(bytes, (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const ATTACK_PARTS = [
  ...[
    '%',
    '%z',
    '%%',
    '%E0%A4',
    '%u0041',
    '%00',
    'a[]',
    'role',
    'email',
    'password',
    'refreshToken',
  ],
  ...['email[$ne]', '__proto__', '__proto__[polluted]', 'constructor[prototype][polluted]'],
];
const queryPart = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...Array.from("abcXYZ019$[]._~-!*'()@:/?,;+")),
    minLength: 1,
    maxLength: 12,
  }),
  fc
    .string({ unit: oddCharacter, minLength: 1, maxLength: 12 })
    .map((text) => percentEncoded(Buffer.from(text))),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map(percentEncoded),
  fc.constantFrom(...ATTACK_PARTS),
);

/** A query string (without `?`) of one to six pairs, each with a non-empty key, or one pair about 4 kB long (up to
 * 12 kB once the client percent-encodes it, within Node's 16 kB for the request head). */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(queryPart, fc.option(queryPart)), { minLength: 1, maxLength: 6 })
    .map((pairs) =>
      pairs.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join('&'),
    ),
  queryPart.map((part) => `${part}=${part.repeat(Math.ceil(4_000 / part.length))}`),
);

const NOT_JSON = [
  '{"email":',
  "{'email':'a@example.com'}",
  'email=a%40example.com&password=Str0ng!pw',
  '<login><email>a@example.com</email></login>',
  '\uFEFF{}',
  '{}{}',
  '{"email":"a@example.com",}',
  'NaN',
  'undefined',
  '{"a":01}',
  '{"a":"\\x41"}',
  '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--x--',
];

export interface RawBody {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Sent with Transfer-Encoding: chunked rather than a Content-Length. */
  chunked: boolean;
  bytes: Uint8Array;
}

/** A body that is not JSON, or not declared as JSON in UTF-8, or compressed. */
export const rawBody: fc.Arbitrary<RawBody> = fc.record({
  contentType: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    },
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=latin1',
      'application/json; charset=utf-16le',
      'application/json; charset="UTF-8"',
      'application/json',
      'Application/JSON',
      'application/vnd.api+json',
      '*/*',
      '',
    ),
    fc.constant(undefined),
  ),
  contentEncoding: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
  ),
  chunked: fc.boolean(),
  bytes: fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    fc.constantFrom(...NOT_JSON).map((text) => new Uint8Array(Buffer.from(text))),
    fc
      .tuple(fc.constantFrom(...NOT_JSON), fc.integer({ min: 100, max: 1_500 }))
      .map(([text, times]) => new Uint8Array(Buffer.from(text.repeat(times)))),
    jsonTree.map((tree) => new Uint8Array(Buffer.from(toJsonText(tree), 'utf16le'))),
    jsonTree.map((tree) => new Uint8Array(Buffer.from(toJsonText(tree), 'latin1'))),
  ),
});
