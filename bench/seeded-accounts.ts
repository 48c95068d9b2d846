// Many accounts at once, written straight into the SQLite file before the service opens it: registering through the
// API costs a bcrypt hash each (about 35 a second on the bench machines), and a password-reset benchmark spends one
// fresh address per request. The rows go in through the service's own SQLite adapter, so schema and migrations are
// the service's; every account shares one real bcrypt hash, which nothing here compares.
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import { openSqliteStores } from '../src/storage/sqlite/sqlite-stores.js';

/** Every seeded account's password (the API's bench account has the same). */
export const PASSWORD = 'Steady-load-4821!xq';
export const COST = 10;
/** Wide enough for any count the benchmark asks for, so every address has the same length. */
const INDEX_DIGITS = 7;

/** The n-th address of a series: `known`, `unknown`, … all come out the same length for the same n. */
export function benchAddress(series: 'known' | 'unknown', index: number): string {
  // One letter per series, so a known and an unknown address differ in nothing but that letter and the number.
  const letter = series === 'known' ? 'k' : 'u';
  return `${letter}-${String(index).padStart(INDEX_DIGITS, '0')}@bench.example.com`;
}

/** Inserts `count` live accounts at benchAddress('known', 0 … count - 1) into the SQLite file at `sqlitePath`. */
export async function seedAccounts(sqlitePath: string, count: number): Promise<void> {
  if (count >= 10 ** INDEX_DIGITS)
    throw new Error(`at most ${String(10 ** INDEX_DIGITS - 1)} accounts`);
  const passwordHash = await bcrypt.hash(PASSWORD, COST);
  const stores = openSqliteStores(sqlitePath);
  try {
    for (let index = 0; index < count; index += 1) {
      const outcome = await stores.users.createUser({
        id: randomUUID(),
        email: benchAddress('known', index),
        name: `Bench User ${String(index)}`,
        role: 'user',
        passwordHash,
        createdAt: new Date(),
      });
      if (outcome.outcome !== 'created')
        throw new Error(`account ${String(index)}: ${outcome.outcome}`);
    }
  } finally {
    await stores.close();
  }
}
