// The commit the built service comes from, for benchmarks that build the working tree (bench:forgot, bench:es256):
// the tree is shared with other agents, so a run also says whether src/ held changes beyond that commit.
import { execFileSync } from 'node:child_process';

/** The short hash of HEAD, and whether src/ held uncommitted changes. */
export function commitOfTree(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
