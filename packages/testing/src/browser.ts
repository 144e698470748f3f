/**
 * A real Chromium for the tests of what a person sees (Debian's `chromium`, driven by
 * playwright-core). Where none is installed, browser tests skip with a loud message; in CI
 * (`CI` set) a missing browser fails instead, since CI installs one.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Screenshots are test output, kept out of git. */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

// Headless, as root, on a machine whose network reaches nothing outside: without these,
// Chromium refuses to start as root or keeps trying Google's hosts.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Chromium, or the reason a browser test must skip. Throws in CI when there is none. */
export async function launchBrowser(): Promise<Browser | { skip: string }> {
  if (!existsSync(CHROMIUM)) {
    const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
    if (process.env.CI) throw new Error(`browser tests cannot run in CI: ${reason}`);
    process.stderr.write(
      `\n${'!'.repeat(78)}\n!! SKIPPING BROWSER TESTS: ${reason}\n${'!'.repeat(78)}\n\n`,
    );
    return { skip: reason };
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Everything that went wrong on a page: uncaught errors, console errors, failed requests and
 * answers of 400 and above, for tests that require a page to load cleanly.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
