// The user as the API shows it: never the password hash or internal fields.
import type { z } from 'zod';
import type { SessionUser } from '../storage/ports/user-store.js';
import type { publicUserSchema } from './auth-responses.js';

/** Described once, by the response schema the API document is built from. */
export type PublicUser = z.output<typeof publicUserSchema>;

export function toPublicUser(user: SessionUser): PublicUser {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
