import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { problemsOf } from '../helpers/config-problems.js';
import { productionEnv } from '../helpers/production-env.js';

/** Production with no proxy: HTTPS is these tests' subject. */
const production = (overrides: NodeJS.ProcessEnv = {}) =>
  productionEnv({ TRUST_PROXY: undefined, ...overrides });

describe('loadConfig HTTPS and TLS', () => {
  it('when production terminates TLS itself, then it loads without TRUST_PROXY and requires HTTPS', () => {
    const { config } = loadConfig(
      production({ TLS_CERT_FILE: '/etc/auth/tls.crt', TLS_KEY_FILE: '/etc/auth/tls.key' }),
    );

    expect(config.http.tls).toEqual({
      certFile: '/etc/auth/tls.crt',
      keyFile: '/etc/auth/tls.key',
    });
    expect(config.http.requireHttps).toBe(true);
  });

  it('when production has neither TLS files, TRUST_PROXY nor ALLOW_INSECURE_HTTP, then it refuses naming the ways out', () => {
    const problems = problemsOf(production());

    expect(problems).toContainEqual(
      expect.stringMatching(
        /^TRUST_PROXY: production needs HTTPS; set TLS_CERT_FILE and TLS_KEY_FILE/,
      ),
    );
  });

  it.each([
    ['TLS_CERT_FILE', { TLS_KEY_FILE: '/etc/auth/tls.key' }],
    ['TLS_KEY_FILE', { TLS_CERT_FILE: '/etc/auth/tls.crt' }],
  ])(
    'when only one TLS file is set, then it refuses naming the missing %s (in any environment)',
    (missing, files) => {
      expect(problemsOf({ NODE_ENV: 'test', ...files })).toContainEqual(
        `${missing}: TLS_CERT_FILE and TLS_KEY_FILE go together; set both or neither`,
      );
    },
  );

  it('when development sets nothing, then it serves plain HTTP with no HTTPS requirement', () => {
    const { config } = loadConfig({ NODE_ENV: 'test' });

    expect(config.http.tls).toBeUndefined();
    expect(config.http.requireHttps).toBe(false);
  });
});
