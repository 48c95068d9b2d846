import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../src/config/duration.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['45s', 45],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
    ['900', 900],
    [' 5m ', 300],
  ])('when the text is %j, then it is %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '-1', '1.5h', '1w', 'abc'])(
    'when the text is %j, then it is not a duration (undefined)',
    (text) => {
      expect(parseDurationSeconds(text)).toBeUndefined();
    },
  );
});
