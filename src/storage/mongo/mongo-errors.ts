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

/** The database cannot be reached or has no writable primary right now. */
export function isMongoUnavailable(error: unknown): boolean {
  if (UNREACHABLE.some((type) => error instanceof type)) return true;
  return (
    error instanceof mongo.MongoError &&
    TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))
  );
}

const DUPLICATE_KEY = 11000;

/** A unique-index violation on the email index (the only unique key a request's data can collide on). */
export function isDuplicateEmail(error: unknown): boolean {
  return (
    error instanceof mongo.MongoServerError &&
    error.code === DUPLICATE_KEY &&
    typeof error.keyPattern === 'object' &&
    error.keyPattern !== null &&
    'email' in error.keyPattern
  );
}
