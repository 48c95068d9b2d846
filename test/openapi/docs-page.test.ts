// GET /api/openapi.json and the reference page at /api/docs: the page and everything it loads come from this server
// (no CDN, so it works offline), and the CSP it is served under allows no inline script.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const CONTENT_TYPES: Record<string, RegExp> = {
  css: /^text\/css/,
  js: /^(text|application)\/javascript/,
  png: /^image\/png$/,
};

/** Every URL the page's markup refers to (src and href attributes). */
const referencedUrls = (html: string) =>
  [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map(([, url]) => url ?? '');

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name !== undefined && name !== '')
      .map(([name = '', ...sources]) => [name.toLowerCase(), sources]),
  );
}

describe('GET /api/openapi.json', () => {
  it.each([
    ['body', {}],
    ['cookie', { REFRESH_TOKEN_TRANSPORT: 'cookie', CORS_ORIGINS: 'https://app.example.com' }],
  ])(
    'when asked in %s mode, then it answers the document of that configuration',
    async (_mode, env) => {
      const { app, document } = buildTestApp({ env });

      const response = await request(app).get('/api/openapi.json');

      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual(JSON.parse(JSON.stringify(document())));
    },
  );

  it('when another method is used, then the answer is 405 naming GET', async () => {
    const { app } = buildTestApp();

    const response = await request(app).post('/api/openapi.json').send({});

    expectError(response, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('GET, HEAD');
  });
});

describe('GET /api/docs', () => {
  it('when the page is asked for, then it is HTML referring only to this server, with no inline script', async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/docs');
    const urls = referencedUrls(response.text);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url, url).toMatch(/^\/[^/]/);
    expect(response.text).not.toMatch(/https?:\/\//i);
    // Every script element loads a file and has no body of its own; no inline event handlers.
    const scripts = [...response.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    expect(response.text).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('when each asset the page refers to is asked for, then it is served with its content type', async () => {
    const { app } = buildTestApp();
    const page = await request(app).get('/api/docs');
    const urls = referencedUrls(page.text);

    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      const asset = await request(app).get(url);
      const extension = url.split('.').pop() ?? '';

      expect(asset.status, url).toBe(200);
      expect(asset.headers['content-type'], url).toMatch(CONTENT_TYPES[extension] ?? /^$/);
      expect(Number(asset.headers['content-length'] ?? asset.text.length), url).toBeGreaterThan(0);
    }
  });

  it('when the start-up script is served, then it loads this server’s document and sends it nowhere else', async () => {
    const { app } = buildTestApp();
    const page = await request(app).get('/api/docs');
    const script = referencedUrls(page.text).find((url) => url.includes('start'));

    const response = await request(app).get(script ?? '/missing');

    expect(response.text).toContain("url: '/api/openapi.json'");
    expect(response.text).toContain('validatorUrl: null');
    expect(response.text).not.toMatch(/https?:\/\//i);
  });

  it('when the page is served, then its CSP allows scripts only from this server', async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/docs');
    const csp = directives(String(response.headers['content-security-policy']));
    const scriptSources = csp.get('script-src') ?? csp.get('default-src') ?? [];

    expect(response.status).toBe(200);
    expect(scriptSources).toEqual(["'self'"]);
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when a file of the package that the page does not use is asked for, then the answer is 404', async () => {
    const { app } = buildTestApp();

    const response = await request(app).get('/api/docs/index.html');

    expectError(response, 'NOT_FOUND');
  });

  it('when another method is used on the page, then the answer is 405 naming GET', async () => {
    const { app } = buildTestApp();

    const response = await request(app).delete('/api/docs');

    expectError(response, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('GET, HEAD');
  });
});
