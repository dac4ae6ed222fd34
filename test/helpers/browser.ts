/**
 * Debian's headless Chromium driven by playwright-core (no browser download). CHROMIUM_PATH, else
 * /usr/bin/chromium; a missing browser fails loudly (npm test installs it: test/prerequisites.sh).
 * The browser is closed when the test finishes.
 */
import fs from 'node:fs';
import http from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (as root, npm test does it first: test/prerequisites.sh), or set CHROMIUM_PATH`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // --disable-dev-shm-usage: containers often give /dev/shm only 64 MB, where Chromium's renderer crashes.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  onTestFinished(() => browser.close());
  return browser;
}

/** Every URL the page asks for, every error it logs (uncaught exceptions, console.error, CSP refusals), and any of its files that failed. */
export function watchPage(page: Page): { requests: string[]; errors: string[]; failedAssets: string[] } {
  const seen = { requests: [] as string[], errors: [] as string[], failedAssets: [] as string[] };
  page.on('request', (r) => seen.requests.push(r.url()));
  // The pages' own files (anything but the API) must all load.
  page.on('response', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/v1/') && r.status() >= 400) seen.failedAssets.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  return seen;
}

/**
 * Serves `html` (or what the function answers at request time) at / of its own origin (a page from
 * another origin than the gateway is what browsers really do); closed when the test finishes.
 */
export async function servePage(html: string | (() => string)): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(typeof html === 'function' ? html() : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the page server has no port');
  return `http://127.0.0.1:${address.port}/`;
}
