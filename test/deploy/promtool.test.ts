// Prometheus's own checker on the files in deploy/: the rules are valid PromQL with valid templates, the sample
// config is valid, and the unit tests in deploy/alerts.test.yml (synthetic series: a refresh-token reuse, a failed-
// login spike, second-factor locks and wrong codes, a rate-limit storm, slow logins) fire the alerts they expect. Needs `promtool` (Debian's prometheus
// package); without it these are listed as skipped, and REQUIRE_PROMTOOL=1 makes that a failure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  describeWithService,
  serviceFound,
  serviceMissing,
  type ServiceSearch,
} from '../helpers/required-service.js';

const PROMTOOL = { name: 'promtool', requiredBy: 'REQUIRE_PROMTOOL' } as const;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs promtool from the repository root; output and exit status, never a throw. */
function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  return { status: result.status, output, error: result.error };
}

function findPromtool(): ServiceSearch<'promtool'> {
  const probe = promtool('--version');
  if (probe.error) {
    return serviceMissing(
      PROMTOOL,
      'promtool is not on PATH (apt-get install prometheus provides it)',
    );
  }
  if (probe.status !== 0) {
    return serviceMissing(PROMTOOL, `promtool --version exited with ${String(probe.status)}`);
  }
  return serviceFound(PROMTOOL, 'promtool');
}

/** The number of rules in deploy/alerts.yml, counted independently of promtool. */
function ruleCount(): number {
  const file = parse(readFileSync(`${ROOT}deploy/alerts.yml`, 'utf8')) as {
    groups: Array<{ rules: unknown[] }>;
  };
  return file.groups.reduce((sum, group) => sum + group.rules.length, 0);
}

describeWithService('promtool checks of deploy/', findPromtool(), () => {
  it('when promtool checks deploy/alerts.yml, then every rule in it is valid', () => {
    const result = promtool('check', 'rules', 'deploy/alerts.yml');

    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${ruleCount()} rules found`);
  });

  it('when promtool checks the syntax of deploy/prometheus.yml, then it is a valid config', () => {
    // --syntax-only: the full check also requires the token file it names to exist on this machine.
    const result = promtool('check', 'config', '--syntax-only', 'deploy/prometheus.yml');

    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('when promtool runs deploy/alerts.test.yml, then each alert fires, stays pending or resolves as expected', () => {
    const result = promtool('test', 'rules', 'deploy/alerts.test.yml');

    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });
});
