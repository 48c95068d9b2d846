// A commit's own build, made beside the shared working tree: the commit's files exported with `git archive` into a
// temp dir (the working tree and its index are never touched, so other people's unfinished changes neither leak in
// nor get disturbed), the repository's node_modules linked in, and the commit's own `build` script run there. The
// service is then that commit's dist/main.js, compiled by this checkout's TypeScript and run on its dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The end of a failed command's output that an error message keeps: tsc's errors, not pages of them. */
const KEPT_LINES = 40;

export interface Commit {
  /** What the caller named it (HEAD~3, a branch, a hash). */
  named: string;
  hash: string;
  short: string;
  subject: string;
}

export interface CommitBuild {
  commit: Commit;
  /** The built service's entry point. */
  main: string;
  remove(): void;
}

function run(command: string, args: string[], cwd: string, input?: Buffer) {
  const result = spawnSync(command, args, { cwd, input, maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  const output = `${result.stdout.toString()}${result.stderr.toString()}`;
  if (result.status !== 0) {
    const tail = output.trimEnd().split('\n').slice(-KEPT_LINES).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${String(result.status)}:\n${tail}`);
  }
  return result.stdout;
}

const git = (...args: string[]) => run('git', args, REPO).toString().trim();

/** The commit `named` points at now, pinned by hash so a commit landing mid-run changes nothing. */
export function resolveCommit(named: string): Commit {
  let hash: string;
  try {
    hash = git('rev-parse', '--verify', '--end-of-options', `${named}^{commit}`);
  } catch {
    throw new Error(`${JSON.stringify(named)} names no commit in ${REPO}`);
  }
  const [short = hash, subject = ''] = git('log', '-1', '--format=%h%n%s', hash).split('\n');
  return { named, hash, short, subject };
}

/**
 * Whether the two commits lock different dependencies (both sides run on this checkout's node_modules). The lock, not
 * package.json, whose scripts change without changing what is installed.
 */
export function dependenciesDiffer(a: Commit, b: Commit): boolean {
  return git('diff', '--name-only', a.hash, b.hash, '--', 'package-lock.json') !== '';
}

/** Exports `commit` into a temp dir and runs its `build` script there; throws with the build's output if it fails. */
export function buildCommit(commit: Commit): CommitBuild {
  const dir = mkdtempSync(join(tmpdir(), `auth-api-compare-${commit.short}-`));
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('tar', ['-x', '-C', dir], dir, run('git', ['archive', '--format=tar', commit.hash], REPO));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    run('npm', ['run', 'build', '--silent'], dir);
    const main = join(dir, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error('npm run build wrote no dist/main.js');
    return { commit, main, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
