// The user as the API shows it: never the password hash or internal fields.
import type { UserRecord } from '../storage/ports.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: UserRecord['role'];
  createdAt: string;
}

export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
