// bench:scale's command line: which store, how large, and where the seeded database goes or comes from.
import { parseArgs } from 'node:util';

export interface ScaleArguments {
  store: 'sqlite' | 'mongo';
  /** The wire server for --store mongo (no database in it: the run makes its own); FerretDB is started if absent. */
  uri: string | undefined;
  users: number;
  tokens: number;
  /** Sessions, when not SESSIONS_PER_TOKEN of the tokens. */
  sessions: number | undefined;
  /** SQLite: seed into this file and leave it there (the service can be started on it). */
  keep: string | undefined;
  /** SQLite: run on a copy of this already seeded file instead of seeding (the copy goes at the end). */
  from: string | undefined;
  /** Stop once seeded (with --keep: a file to run --from later). */
  seedOnly: boolean;
  /**
   * Another build's entry point (its dist/main.js) in place of this tree's, for a before-and-after of a change that
   * keeps the schema (the seeded file has this tree's).
   */
  main: string | undefined;
}

const USAGE =
  'npm run bench:scale -- [--store sqlite|mongo] [--uri mongodb://host:port] [--users N] [--tokens N] ' +
  '[--sessions N] [--keep PATH] [--from PATH] [--seed-only] [--main PATH]';

function count(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive whole number, got ${text}\n${USAGE}`);
  }
  return value;
}

export function readScaleArguments(argv: string[]): ScaleArguments {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: 'string', default: 'sqlite' },
      uri: { type: 'string' },
      users: { type: 'string' },
      tokens: { type: 'string' },
      sessions: { type: 'string' },
      keep: { type: 'string' },
      from: { type: 'string' },
      'seed-only': { type: 'boolean', default: false },
      main: { type: 'string' },
    },
    strict: true,
  });
  if (values.store !== 'sqlite' && values.store !== 'mongo') {
    throw new Error(`--store must be sqlite or mongo, got ${values.store}\n${USAGE}`);
  }
  if (values.store === 'mongo' && (values.keep !== undefined || values.from !== undefined)) {
    throw new Error(
      `--keep and --from name SQLite files; with --store mongo the database stays on the server\n${USAGE}`,
    );
  }
  if (values.keep !== undefined && values.from !== undefined) {
    throw new Error(
      `--keep seeds a new file, --from runs on a copy of an old one: one or the other\n${USAGE}`,
    );
  }
  return {
    store: values.store,
    uri: values.uri,
    users: count(values.users, 'users', 1_000_000),
    tokens: count(values.tokens, 'tokens', 5_000_000),
    sessions: values.sessions === undefined ? undefined : count(values.sessions, 'sessions', 0),
    keep: values.keep,
    from: values.from,
    seedOnly: values['seed-only'],
    main: values.main,
  };
}
