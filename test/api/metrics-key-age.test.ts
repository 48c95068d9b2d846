// auth_jwt_active_key_age_seconds (DESIGN section 6): how long the ES256 key that signs now has been signing, read at
// each scrape of GET /metrics, so an alert can say a rotation is overdue. HS256 has no key to age: no series.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  keyFileName,
  newKeyFile,
  writeKeyFile,
  type SigningKeyFile,
} from '../../src/keys/signing-key-file.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

async function keyAge({ app }: TestApp): Promise<string | undefined> {
  const answer = await request(app)
    .get('/metrics')
    .set('Authorization', `Bearer ${METRICS_TOKEN}`)
    .expect(200);
  return /^auth_jwt_active_key_age_seconds (\S+)$/m.exec(answer.text)?.[1];
}

describe('GET /metrics: auth_jwt_active_key_age_seconds', () => {
  it('when access tokens are ES256, then it is the time since the active key started signing, and restarts at a promotion', async () => {
    const test = buildTestApp({ env: { JWT_ACCESS_ALG: 'ES256', METRICS_TOKEN } });

    expect(await keyAge(test)).toBe('0');
    test.clock.advance('3d');
    expect(await keyAge(test)).toBe(String(3 * 86_400));

    const [old] = test.signing.keys.publishedKeys();
    const next = newKeyFile(new Date(test.clock.now()));
    writeKeyFile(test.config.jwt.keysDir, {
      ...next,
      state: 'active',
      activatedAt: new Date(test.clock.now()).toISOString(),
    });
    // The old key retires by hand here, as `npm run keys -- promote` would do it.
    const oldPath = join(test.config.jwt.keysDir, keyFileName(old?.kid ?? ''));
    const oldFile = JSON.parse(readFileSync(oldPath, 'utf8')) as SigningKeyFile;
    writeKeyFile(test.config.jwt.keysDir, { ...oldFile, state: 'retiring' });
    test.signing.reload();
    test.clock.advance('90s');

    expect(test.signing.keys.signingKey().kid).toBe(next.kid);
    expect(await keyAge(test)).toBe('90');
  });

  it('when access tokens are HS256 (the default), then there is no such series', async () => {
    const test = buildTestApp({ env: { METRICS_TOKEN } });

    expect(await keyAge(test)).toBeUndefined();
  });
});
