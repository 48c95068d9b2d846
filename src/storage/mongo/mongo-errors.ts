// How the MongoDB adapter reads its driver's errors: by class and error code or label, never by message text.
import mongoose from 'mongoose';

const { mongo } = mongoose;

const UNREACHABLE = [
  mongo.MongoNetworkError, // includes MongoNetworkTimeoutError
  mongo.MongoServerSelectionError,
  mongo.MongoNotConnectedError,
  mongo.MongoTopologyClosedError,
  mongoose.Error.MongooseServerSelectionError,
];

// Labels the server and driver put on errors that a retry after failover would fix: not a bug, not bad data.
const TRANSIENT_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool'];

// A connection the server has just dropped: the driver (6.x) sometimes lets the socket's own error through unwrapped
// when it writes a command to it (seen in the fault drill as a plain Error with code EPIPE, answered 500).
const SOCKET_GONE_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
]);

const isSocketGone = (error: unknown) =>
  error instanceof Error && SOCKET_GONE_CODES.has(String((error as { code?: unknown }).code));

/** The database cannot be reached or has no writable primary right now. */
export function isMongoUnavailable(error: unknown): boolean {
  if (UNREACHABLE.some((type) => error instanceof type) || isSocketGone(error)) return true;
  return (
    error instanceof mongo.MongoError &&
    TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))
  );
}

const DUPLICATE_KEY = 11000;

/**
 * A unique-index violation on `field`'s index. MongoDB names the index's key in `keyPattern`; FerretDB 1.24 sends
 * only the code and the collection. Where it is asked (an insert into a collection whose other unique keys are random
 * ids and hashes that do not collide), a duplicate key with no key pattern is `field`'s.
 */
export function isDuplicateKey(error: unknown, field: string): boolean {
  if (!isDuplicateKeyError(error)) return false;
  const { keyPattern } = error as { keyPattern?: unknown };
  if (typeof keyPattern !== 'object' || keyPattern === null) return true;
  return field in keyPattern;
}

function isDuplicateKeyError(error: unknown): boolean {
  return (
    (error instanceof mongo.MongoServerError || error instanceof mongo.MongoBulkWriteError) &&
    error.code === DUPLICATE_KEY
  );
}

/** An email already claimed by a live account (the claim's `_id` is the email). */
export const isDuplicateEmail = (error: unknown): boolean => isDuplicateKey(error, '_id');

/**
 * How many documents an unordered insertMany stored, duplicates set aside: they are records that already exist (a
 * session revoked before), not failures. Any other error is thrown.
 */
export async function duplicatesAside(insert: () => Promise<Array<unknown>>): Promise<number> {
  try {
    return (await insert()).length;
  } catch (error) {
    if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
    const { writeErrors } = error as { writeErrors: unknown };
    const failures = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as Array<{
      code?: unknown;
    }>;
    if (failures.some((failure) => failure.code !== DUPLICATE_KEY)) throw error;
    return error.insertedCount;
  }
}
