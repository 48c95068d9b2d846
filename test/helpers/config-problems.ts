// What loadConfig refuses, for the configuration tests: the problems its ConfigError lists.
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** The test environment with `overrides`: no secrets needed (each process gets random ones). */
export const testEnv = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: 'test',
  ...overrides,
});

/** The problems loadConfig names for `env`; none when it loads. */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
