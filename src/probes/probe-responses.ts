// The answers of the operational endpoints (/health, /ready), described once as zod schemas for the API document
// and the tests that check answers against it.
import { z } from 'zod';

export const healthResponse = z.object({
  success: z.literal(true),
  data: z.object({ status: z.literal('ok') }),
});

const checkState = z.enum(['ok', 'unavailable', 'not configured']);

export const readyResponse = z.object({
  success: z.literal(true),
  data: z.object({
    status: z.literal('ready'),
    checks: z.object({
      store: checkState,
      redis: checkState.describe('`not configured` when the counters live in this process.'),
    }),
  }),
});
