// deploy/alerts.yml and deploy/prometheus.yml checked against the service itself, with no Prometheus needed: the
// rules are well formed, and every metric and label value their expressions select is in a real scrape of /metrics
// (a renamed metric or label would otherwise leave an alert silently matching nothing).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { buildTestApp } from '../helpers/test-app.js';

const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

const ruleSchema = z.strictObject({
  alert: z.string().regex(/^[A-Z][A-Za-z0-9]+$/),
  expr: z.string().min(1),
  for: z.string().regex(/^\d+[smhdwy]$/),
  labels: z.looseObject({ severity: z.enum(['warning', 'critical']) }),
  annotations: z.looseObject({ summary: z.string().min(1), description: z.string().min(1) }),
});
const rulesFileSchema = z.strictObject({
  groups: z.array(z.strictObject({ name: z.string(), rules: z.array(ruleSchema).min(1) })).min(1),
});
const prometheusConfigSchema = z.looseObject({
  rule_files: z.array(z.string()),
  scrape_configs: z.array(
    z.looseObject({
      job_name: z.string(),
      metrics_path: z.string().default('/metrics'),
      scheme: z.enum(['http', 'https']).default('http'),
      authorization: z
        .looseObject({
          type: z.string().default('Bearer'),
          credentials: z.string().optional(),
          credentials_file: z.string().optional(),
        })
        .optional(),
    }),
  ),
});
type Rule = z.infer<typeof ruleSchema>;

const readYaml = (name: string): unknown =>
  parse(readFileSync(`${DEPLOY_DIR}${name}`, 'utf8')) as unknown;
const rulesFile = rulesFileSchema.safeParse(readYaml('alerts.yml'));
const rules = rulesFile.data?.groups.flatMap((group) => group.rules) ?? [];
const prometheusFile = prometheusConfigSchema.safeParse(readYaml('prometheus.yml'));
const prometheusConfig = prometheusFile.data ?? { rule_files: [], scrape_configs: [] };

// ---- The selectors of a PromQL expression -------------------------------------------------------------------

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}
interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** Identifiers that are PromQL operators or modifiers; anything followed by `(` is a function or aggregation. */
const PROMQL_KEYWORDS = new Set(
  'and or unless by without on ignoring group_left group_right bool offset inf nan'.split(' '),
);
/** Series Prometheus itself writes for each target, not the service. */
const PROMETHEUS_OWN_METRICS = new Set(['up']);
/** Labels Prometheus attaches to every scraped series (from the scrape config), absent from /metrics itself. */
const TARGET_LABELS = new Set(['job', 'instance']);

const blank = (text: string) => ' '.repeat(text.length);

/** Every metric an expression selects, with its label matchers; functions, keywords and label lists are skipped. */
function selectorsOf(expr: string): Selector[] {
  // Blanked to equal length, so an index into `code` is the same place in `expr`.
  const code = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, blank)
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, blank)
    .replace(/\[[^\]]*\]/g, blank);
  const selectors: Selector[] = [];
  for (const match of code.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)\s*(\{[^}]*\})?(\s*\()?/g)) {
    const [text, metric = '', braces, call] = match;
    if (call !== undefined || PROMQL_KEYWORDS.has(metric.toLowerCase())) continue;
    // The matchers are read from the original text, where the strings are intact.
    const original = braces === undefined ? '' : expr.slice(match.index, match.index + text.length);
    const matchers = [...original.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(
      ([, label = '', op, value = '']) => ({ label, op: op as Matcher['op'], value }),
    );
    selectors.push({ metric, matchers });
  }
  return selectors;
}

// ---- A scrape of /metrics ---------------------------------------------------------------------------------------

interface Scrape {
  types: Map<string, string>;
  samples: Array<{ name: string; labels: Map<string, string> }>;
}

function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] ?? '', type[2] ?? '');
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const labels = [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)];
    samples.push({
      name: sample[1] ?? '',
      labels: new Map(labels.map(([, label = '', value = '']) => [label, value])),
    });
  }
  return { types, samples };
}

/** The family a series name belongs to: itself, or a histogram's `_bucket`/`_count`/`_sum` series. */
function familyOf(name: string, scrape: Scrape): string | undefined {
  if (scrape.types.has(name)) return name;
  const base = /^(.+)_(?:bucket|count|sum)$/.exec(name)?.[1];
  return base !== undefined && scrape.types.get(base) === 'histogram' ? base : undefined;
}

/** What in the rules does not match the scrape: unknown metrics, label values no series has, foreign jobs. */
function problemsWith(checked: Rule[], scrape: Scrape, jobName: string): string[] {
  const problems: string[] = [];
  for (const rule of checked) {
    for (const { metric, matchers } of selectorsOf(rule.expr)) {
      const own = PROMETHEUS_OWN_METRICS.has(metric);
      if (!own && familyOf(metric, scrape) === undefined) {
        problems.push(`${rule.alert}: ${metric} is not in /metrics`);
        continue;
      }
      const series = scrape.samples.filter((sample) => sample.name === metric);
      for (const { label, op, value } of matchers) {
        if (TARGET_LABELS.has(label)) {
          if (label === 'job' && op === '=' && value !== jobName) {
            problems.push(`${rule.alert}: job="${value}" is not the scrape job "${jobName}"`);
          }
        } else if (own) {
          problems.push(`${rule.alert}: ${metric} has no label ${label}`);
        } else if (!series.some((sample) => sample.labels.has(label))) {
          problems.push(`${rule.alert}: ${metric} has no label ${label}`);
        } else if (op === '=' && !series.some((sample) => sample.labels.get(label) === value)) {
          problems.push(`${rule.alert}: no ${metric} series has ${label}="${value}"`);
        }
      }
    }
  }
  return problems;
}

/** A scrape after a failed login, so the login route's request-duration series exist as they would in production. */
async function scrapeAfterALogin(): Promise<Scrape> {
  const { app } = buildTestApp({ env: { METRICS_TOKEN } });
  const login = await request(app)
    .post('/api/auth/login')
    .send({ email: 'nobody@example.com', password: 'Not-the-password-1!' });
  expect(login.status).toBe(401);
  const response = await request(app)
    .get('/metrics')
    .set('Authorization', `Bearer ${METRICS_TOKEN}`);
  expect(response.status).toBe(200);
  return parseExposition(response.text);
}

const jobName = prometheusConfig.scrape_configs[0]?.job_name ?? '';

// ---- The tests --------------------------------------------------------------------------------------------------

describe('deploy/alerts.yml', () => {
  it('when it is parsed, then every rule has alert, expr, for, a severity and a summary and description', () => {
    expect(rulesFile.error?.issues).toBeUndefined();
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  it('when the rules are read, then each kind of suspicious activity and failure has an alert', () => {
    const selected = (metric: string, matcher?: string) =>
      rules.some((rule) =>
        selectorsOf(rule.expr).some(
          (s) =>
            s.metric === metric &&
            (matcher === undefined ||
              s.matchers.some((m) => `${m.label}${m.op}${m.value}` === matcher)),
        ),
      );
    expect(selected('auth_logins_total', 'outcome=failure')).toBe(true);
    expect(selected('auth_logins_total', 'reason=unknown_email')).toBe(true);
    expect(selected('auth_lockouts_total')).toBe(true);
    expect(selected('auth_refresh_reuse_total', 'outcome=revoked')).toBe(true);
    expect(selected('auth_mfa_locks_total')).toBe(true);
    expect(selected('auth_mfa_failures_total')).toBe(true);
    expect(selected('http_rate_limited_total')).toBe(true);
    expect(selected('http_request_duration_seconds_count', 'status=~5..')).toBe(true);
    expect(selected('http_request_duration_seconds_bucket', 'route=/api/auth/login')).toBe(true);
    expect(selected('up', `job=${jobName}`)).toBe(true);
    expect(selected('auth_mail_sent_total', 'result=dead')).toBe(true);
    expect(selected('auth_mail_outbox_pending')).toBe(true);
  });

  it('when the app has served a login, then every metric and exact label value the rules select is in /metrics', async () => {
    const scrape = await scrapeAfterALogin();

    expect(problemsWith(rules, scrape, jobName)).toEqual([]);
  });

  it('when a rule names a metric, label or value the service does not expose, then the check reports each', async () => {
    const scrape = await scrapeAfterALogin();
    const broken = (expr: string): Rule => ({ ...(rules[0] as Rule), alert: 'Broken', expr });

    expect(
      problemsWith(
        [
          broken('sum by (job) (rate(auth_login_total{job="auth-api"}[5m])) > 1'),
          broken('rate(auth_logins_total{outcome="failed"}[5m]) > 1'),
          broken('rate(http_rate_limited_total{route=~"/api/.*"}[5m]) > 1'),
          broken(
            'histogram_quantile(0.99, rate(http_request_duration_seconds_bucket{route="/login"}[5m]))',
          ),
          broken('up{job="auth"} == 0'),
        ],
        scrape,
        'auth-api',
      ),
    ).toEqual([
      'Broken: auth_login_total is not in /metrics',
      'Broken: no auth_logins_total series has outcome="failed"',
      'Broken: http_rate_limited_total has no label route',
      'Broken: no http_request_duration_seconds_bucket series has route="/login"',
      'Broken: job="auth" is not the scrape job "auth-api"',
    ]);
  });
});

describe('deploy/prometheus.yml', () => {
  it('when it is parsed, then it loads alerts.yml and scrapes /metrics with a bearer token', () => {
    expect(prometheusFile.error?.issues).toBeUndefined();
    expect(prometheusConfig.rule_files).toContain('alerts.yml');
    expect(existsSync(`${DEPLOY_DIR}alerts.yml`)).toBe(true);
    expect(prometheusConfig.scrape_configs).toHaveLength(1);
    const [scrape] = prometheusConfig.scrape_configs;

    expect(scrape?.metrics_path).toBe('/metrics');
    expect(scrape?.authorization?.type).toBe('Bearer');
    expect(
      scrape?.authorization?.credentials_file ?? scrape?.authorization?.credentials,
    ).toBeTruthy();
    // Production refuses plain HTTP on /metrics, so the sample must not teach it.
    expect(scrape?.scheme).toBe('https');
  });
});
