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
    mail: z
      .object({
        pending: z.int().min(0).describe('Mails waiting in the outbox.'),
        oldestPendingSeconds: z
          .int()
          .min(0)
          .nullable()
          .describe('How long the oldest of them has waited; null when none waits.'),
      })
      .describe(
        'The mail outbox: waiting mail (a mail server down) does not make the instance unready.',
      ),
  }),
});
