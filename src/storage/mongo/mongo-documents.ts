// Document shapes as MongoDB stores them: the port's records with their id kept in _id (the port's own string ids,
// UUIDs). Derived from the records, so a field added to a record appears here without being written twice.
import type { RefreshTokenRecord, SessionRecord } from '../ports/session-store.js';
import type { UserRecord } from '../ports/user-store.js';

type Document<R extends { id: string }> = Omit<R, 'id'> & { _id: string };

export type UserDocument = Document<UserRecord>;
export type SessionDocument = Document<SessionRecord>;
export type RefreshTokenDocument = Document<RefreshTokenRecord>;

function toRecord<R extends { id: string }>({ _id, ...fields }: Document<R>): R {
  return { id: _id, ...fields } as unknown as R;
}

export const toUser = (document: UserDocument): UserRecord => toRecord<UserRecord>(document);
export const toSession = (document: SessionDocument): SessionRecord =>
  toRecord<SessionRecord>(document);
export const toRefreshToken = (document: RefreshTokenDocument): RefreshTokenRecord =>
  toRecord<RefreshTokenRecord>(document);
