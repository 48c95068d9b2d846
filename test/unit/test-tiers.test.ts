// Each test file belongs to exactly one tier, so a file in a new folder cannot silently stop running.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAST_TIER } from '../../vitest.config.js';
import { SYSTEM_TIER } from '../../vitest.system.config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const testFiles = readdirSync(`${ROOT}test`, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.test.ts'))
  .map((path) => `test/${path}`);

describe('test tiers', () => {
  it('when the test folders are listed, then each test file is in exactly one tier', () => {
    const tiersOf = (file: string) =>
      [...FAST_TIER, ...SYSTEM_TIER].filter((folder) => file.startsWith(`${folder}/`));

    expect(testFiles.length).toBeGreaterThan(0);
    expect(testFiles.filter((file) => tiersOf(file).length !== 1)).toEqual([]);
  });
});
