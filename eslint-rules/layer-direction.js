// An ESLint rule that holds the layers of DESIGN section 1: a module under src/ imports only modules of its own
// folder or of a lower layer, so a wrong-way import fails `npm run lint` the day it is written. Folders of one layer
// (the features) do not import each other: what two of them share moves down a layer.
import { dirname, relative, resolve, sep } from 'node:path';

/** Lowest first. A name is a folder under src/ or a file at its top; a layer may hold several. */
export const LAYERS = [
  ['errors', 'clock.ts'],
  ['config'],
  // AES-256-GCM under a key ring: what rests sealed in the store (queued mail, TOTP secrets).
  ['sealing'],
  ['observability'],
  ['storage'],
  ['limits'],
  // Below the features, which queue mail through the outbox port.
  ['mail'],
  ['http'],
  // The ES256 signing keys and their JWKS: auth signs access tokens with them.
  ['keys'],
  ['auth', 'probes'],
  // The second factor: auth asks it at sign-in through a hook (second-factor-gate.ts); it finishes sign-ins with
  // auth's steps.
  ['mfa'],
  // Account recovery builds on auth's password rules, login lock and client context, and on mfa's code check (a
  // password reset of an account with a second factor asks for a code).
  ['recovery'],
  ['openapi'],
  ['app.ts'],
  ['server'],
  // Process entries: the server, the database set-up command, the signing-key command and the operator's reset of
  // a second factor.
  ['main.ts', 'db-indexes.ts', 'keys-command.ts', 'mfa-command.ts'],
];

const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank])));

/** The top-level folder (or file) of src/ a path lies in, or undefined outside src/. */
function unitOf(file, srcRoot) {
  const path = relative(srcRoot, file);
  if (path.startsWith('..') || path === '') return undefined;
  // Imports name the compiled file (clock.js); the layer table names the source (clock.ts).
  return path.split(sep)[0].replace(/\.js$/, '.ts');
}

export const layerDirection = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports under src/ point down the layers of DESIGN section 1.' },
    schema: [],
    messages: {
      upward:
        '{{from}} (layer {{fromRank}}) may not import {{to}} (layer {{toRank}}): a layer imports only lower layers (DESIGN section 1, eslint-rules/layer-direction.js).',
      sideways:
        '{{from}} may not import {{to}}: folders of one layer do not import each other; move what they share down a layer.',
      unknown:
        '{{unit}} is in no layer: add it to LAYERS in eslint-rules/layer-direction.js (DESIGN section 1).',
    },
  },
  create(context) {
    const srcRoot = resolve(context.cwd, 'src');
    const file = context.filename;
    const from = unitOf(file, srcRoot);
    if (from === undefined) return {};
    const fromRank = rankOf.get(from);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      if (fromRank === undefined) {
        context.report({ node, messageId: 'unknown', data: { unit: from } });
        return;
      }
      const to = unitOf(resolve(dirname(file), specifier), srcRoot);
      if (to === undefined || to === from) return;
      const toRank = rankOf.get(to);
      if (toRank === undefined) {
        context.report({ node, messageId: 'unknown', data: { unit: to } });
      } else if (toRank > fromRank) {
        context.report({ node, messageId: 'upward', data: { from, to, fromRank, toRank } });
      } else if (toRank === fromRank) {
        context.report({ node, messageId: 'sideways', data: { from, to } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.value),
    };
  },
};
