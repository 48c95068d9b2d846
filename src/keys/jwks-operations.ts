// GET /.well-known/jwks.json (DESIGN section 10): the public keys other services verify our ES256 access tokens with.
// Only public members, never a private one and never a secret (an empty set in HS256 mode); public data, so any cache
// may keep it for JWKS_MAX_AGE and any origin may read it, and a client that sends back the ETag gets 304.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineOperation, type ApiSection } from '../http/operation.js';
import type { AccessTokenKeys } from './access-token-keys.js';

const TAG = 'Keys';

const publicJwkSchema = z
  .strictObject({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    kid: z
      .string()
      .describe('The RFC 7638 thumbprint of the key; tokens name their key in their `kid`.'),
    alg: z.literal('ES256'),
    use: z.literal('sig'),
  })
  .describe('A public P-256 key: no private member.');

export const jwksResponse = z
  .strictObject({
    keys: z
      .array(publicJwkSchema)
      .describe('The next, active and retiring keys; empty when access tokens are HS256.'),
  })
  .describe('A JSON Web Key Set (RFC 7517).');

/** A strong validator of the exact bytes: the set changes, the tag changes. */
const entityTag = (body: string) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

export function jwksSection(deps: { keys: AccessTokenKeys; maxAgeSeconds: number }): ApiSection {
  return {
    tags: [
      {
        name: TAG,
        description:
          'The public keys of ES256 access tokens, for services that verify them (docs/security.md, "Verifying ' +
          'access tokens in another service").',
      },
    ],
    operations: [
      defineOperation({
        method: 'get',
        path: '/.well-known/jwks.json',
        operationId: 'jwks',
        summary: 'The public keys access tokens are signed with (JWKS)',
        description:
          'With `JWT_ACCESS_ALG=ES256`: the next, active and retiring keys, public members only. A verifier picks ' +
          "the key by the token's `kid` and pins `ES256`. Cacheable for `JWKS_MAX_AGE`; readable from any origin.",
        tag: TAG,
        anyQuery: true,
        publicCache: true,
        request: {},
        success: { status: 200, description: 'The key set.', json: jwksResponse },
        errors: [],
        handle: (_input, req, res) => {
          const body = JSON.stringify({ keys: deps.keys.publishedKeys() });
          res.set({
            'Cache-Control': `public, max-age=${String(deps.maxAgeSeconds)}`,
            ETag: entityTag(body),
            'Access-Control-Allow-Origin': '*',
          });
          // Public data: no credentials travel with it, whatever the API's CORS settings say for other routes.
          res.removeHeader('Access-Control-Allow-Credentials');
          if (req.fresh) {
            res.status(304).end();
            return;
          }
          res.type('application/json').send(body);
        },
      }),
    ],
    schemaNames: new Map([[jwksResponse, 'JsonWebKeySet']]),
  };
}
