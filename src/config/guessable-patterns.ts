// What people type when they make up a secret instead of generating one: the words of placeholder and descriptive
// secrets ("changeme", "my-super-secret-jwt-key"), the rows of a keyboard, and the digits and symbols that stand in
// for letters. A guesser tries these first, so the entropy estimate counts them for little.

/**
 * Lower-case words seen in made-up and example secrets. The list stays short on purpose: each word found costs
 * log2(list length) bits, and a long dictionary would also find words by chance inside generated values.
 */
export const GUESSABLE_WORDS: readonly string[] = [
  ...['changeme', 'change', 'please', 'replace', 'insert', 'here', 'your', 'yours', 'mine', 'our'],
  ...['secret', 'secrets', 'password', 'passwd', 'pass', 'passphrase', 'jwt', 'token', 'tokens'],
  ...['key', 'keys', 'access', 'refresh', 'auth', 'authentication', 'api', 'app', 'application'],
  ...[
    'example',
    'sample',
    'demo',
    'test',
    'testing',
    'default',
    'dummy',
    'fake',
    'temp',
    'temporary',
  ],
  ...['admin', 'administrator', 'root', 'user', 'login', 'letmein', 'qwerty', 'welcome', 'hello'],
  ...['world', 'foo', 'bar', 'baz', 'abc', 'xyz', 'super', 'very', 'long', 'strong', 'secure'],
  ...['random', 'private', 'public', 'signing', 'sign', 'hmac', 'sha', 'hash', 'value', 'string'],
  ...[
    'prod',
    'production',
    'dev',
    'development',
    'staging',
    'stage',
    'local',
    'localhost',
    'server',
  ],
  ...['service', 'company', 'project', 'node', 'express', 'metrics', 'bearer', 'session', 'cookie'],
  ...['this', 'that', 'the', 'for', 'and', 'with', 'not', 'use'],
];

/** Keyboard rows (US layout, unshifted and the shifted digit row): runs along them are typed, not chosen. */
export const KEYBOARD_ROWS: readonly string[] = [
  '`1234567890-=',
  '~!@#$%^&*()_+',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
];

/** Characters typed in place of a letter ("p@ssw0rd", "s3cr3t"), each with the letters it stands for. */
export const LOOKALIKE_LETTERS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'il',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '+': 't',
};

/**
 * Characters that join the parts of a made-up secret (words, UUID groups) or pad base64. They count as one bit
 * each; in a generated base64url value `-` and `_` are real random characters, but few enough that counting them
 * low changes little.
 */
export const SEPARATORS: ReadonlySet<string> = new Set(['-', '_', '.', ' ', '=']);
