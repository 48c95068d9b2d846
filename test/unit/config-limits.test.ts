import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { problemsOf, testEnv } from '../helpers/config-problems.js';

describe('loadConfig limits and Redis', () => {
  it('when nothing is set, then the DESIGN defaults apply and counters stay in memory', () => {
    const { config } = loadConfig(testEnv());

    expect(config.limits).toEqual({
      login: 20,
      register: 50,
      refresh: 60,
      api: 600,
      loginThrottleFailures: 5,
      forgot: 5,
    });
    expect(config.redis).toBeUndefined();
  });

  it('when each limit is set, then it is used', () => {
    const { config } = loadConfig(
      testEnv({
        RATE_LIMIT_LOGIN: '10',
        RATE_LIMIT_REGISTER: '5',
        RATE_LIMIT_REFRESH: '30',
        RATE_LIMIT_API: '1200',
        LOGIN_THROTTLE_FAILURES: '8',
        RATE_LIMIT_FORGOT: '3',
      }),
    );

    expect(config.limits).toEqual({
      login: 10,
      register: 5,
      refresh: 30,
      api: 1200,
      loginThrottleFailures: 8,
      forgot: 3,
    });
  });

  it.each(['redis://127.0.0.1:6379', 'rediss://user:pw@cache.example.net:6380/2'])(
    'when REDIS_URL=%s, then it is used',
    (url) => {
      expect(loadConfig(testEnv({ REDIS_URL: url })).config.redis).toEqual({
        url,
        connectTimeoutMs: 5000,
      });
    },
  );

  it.each([
    ['RATE_LIMIT_LOGIN', '0'],
    ['RATE_LIMIT_LOGIN', 'lots'],
    ['RATE_LIMIT_API', '-5'],
    ['LOGIN_THROTTLE_FAILURES', '0'],
    ['REDIS_URL', 'http://cache:6379'],
    ['REDIS_URL', 'redis://host with space'],
    ['REDIS_CONNECT_TIMEOUT', 'never'],
  ])('when %s=%s, then it refuses naming it', (variable, value) => {
    expect(problemsOf(testEnv({ [variable]: value }))).toContainEqual(
      expect.stringMatching(new RegExp(`^${variable}: `)),
    );
  });

  it('when REDIS_URL is refused, then the message does not repeat its password', () => {
    const problems = problemsOf(testEnv({ REDIS_URL: 'http://user:hunter2-redis@cache:6379' }));

    expect(problems.join('\n')).not.toContain('hunter2-redis');
  });
});
