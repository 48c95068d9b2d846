// A real browser for the tests that need one: Debian's chromium (or CHROMIUM_PATH) driven by playwright-core, and
// tiny pages served from loopback origins. Without a browser describeWithService says why and skips; REQUIRE_BROWSER=1
// (set by .ci/run) makes that a failure instead.
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { serviceFound, serviceMissing, type ServiceSearch } from './required-service.js';

const BROWSER = { name: 'a browser', requiredBy: 'REQUIRE_BROWSER' } as const;

/** The path of an executable chromium. */
export function findChromium(): ServiceSearch<string> {
  const override = process.env.CHROMIUM_PATH;
  const executablePath = override !== undefined && override !== '' ? override : '/usr/bin/chromium';
  try {
    accessSync(executablePath, constants.X_OK);
    return serviceFound(BROWSER, executablePath);
  } catch {
    const where = executablePath === override ? `CHROMIUM_PATH (${override})` : executablePath;
    return serviceMissing(
      BROWSER,
      `no executable chromium at ${where} (apt-get install chromium, or set CHROMIUM_PATH)`,
    );
  }
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // The machine has no internet: without the background-networking flags chromium keeps trying to reach Google.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** Serves the HTML `render` returns for a URL (404 when it returns undefined) on a free loopback port. */
export function servePages(render: (url: URL) => string | undefined): Promise<PageServer> {
  const server = createServer((req, res) => {
    const html = render(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}
