/**
 * Opens the HTML preview in real headless Chromium and checks what a reader sees. Skips, saying why, when
 * no Chromium is installed (CI installs Debian's `chromium-headless-shell`). With UPDATE_SCREENSHOT=1 it also
 * writes docs/images/failed-run.png, the screenshot shown in the README.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage, StatusChangeEvent } from '../../contract/formatter.js';
import { formatExecution } from '../../formatters/formatter/format.js';
import { renderHtml } from '../../preview/html.js';
import { tempDir } from '../temp-dirs.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/*
 * The headless shell first: it is the build Playwright itself runs headless, and it renders with the same engine
 * at under half the CPU of the full browser's headless mode (measured here: 2.7 against 6.1 CPU-seconds for a
 * start, two pages and a close), the full browser's GPU, audio and network service processes left out.
 */
const chromiumPath = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
].find(
  (candidate): candidate is string =>
    typeof candidate === 'string' && candidate !== '' && existsSync(candidate)
);
if (!chromiumPath) {
  console.warn(
    'test/preview/html-browser.test.ts skipped: no Chromium at /usr/bin/chromium-headless-shell or /usr/bin/chromium (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)'
  );
}

/** What a reader sees: the rendered text with CSS applied, not the DOM's raw text. */
// biome-ignore lint/performance/useDomNodeTextContent: rendered text is exactly what these tests check
const seen = (locator: Locator): Promise<string> => locator.innerText();

const failedMessage = JSON.parse(
  readFileSync(path.join(repoRoot, 'test/fixtures/cli/failed-message.json'), 'utf8')
) as SlackMessage;

/** Headless Chromium with the flags both suites need (no sandbox, no background network). */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// One browser for the file (each launch costs a Chromium start); each suite opens its own pages.
let browser: Browser;
beforeAll(async () => {
  if (chromiumPath) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(chromiumPath)('HTML preview in headless Chromium', () => {
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('sfn-slack-preview-');
    const file = path.join(dir, 'preview.html');
    writeFileSync(file, renderHtml(failedMessage, { title: 'etl-nightly (prod)' }));
    page = await browser.newPage({ viewport: { width: 800, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
  });

  it('shows the header and the status field as a reader sees them', async () => {
    await expect(page.title()).resolves.toBe('etl-nightly (prod)');
    expect(await seen(page.locator('.header'))).toBe('❌ etl-nightly failed');
    const fields = await page.locator('.field').allInnerTexts();
    expect(fields).toContain('Status\nFAILED');
    expect(fields).toContain('Started\n2025-11-25 00:20 UTC');
  });

  it('lays the fields out in two columns', async () => {
    const boxes = await Promise.all(
      (await page.locator('.field').all()).slice(0, 2).map((field) => field.boundingBox())
    );
    const [first, second] = boxes;
    expect(first && second).toBeTruthy();
    if (first && second) {
      expect(second.x).toBeGreaterThan(first.x + first.width - 1);
      expect(Math.abs(second.y - first.y)).toBeLessThan(2);
    }
  });

  it('shows the failing step and the decoded cause', async () => {
    const text = await seen(page.locator('.blocks'));
    expect(text).toContain('Failed at LoadWarehouse');
    expect(text).toContain('Table <orders> is locked by another session & cannot be loaded');
    expect(text).not.toContain('&amp;');
  });

  it('has a visible button linking to the execution in the console', async () => {
    const button = page.getByRole('link', { name: 'Open execution' });
    await expect(button.isVisible()).resolves.toBe(true);
    expect(await button.getAttribute('href')).toBe(
      'https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:111122223333:execution:etl-nightly:a1b2c3'
    );
  });

  it('runs no script even when the message carries some', async () => {
    const hostile = path.join(dir, 'hostile.html');
    writeFileSync(
      hostile,
      renderHtml({
        text: 'x',
        blocks: [
          {
            type: 'header',
            text: { type: 'plain_text', text: '<img src=x onerror="document.title=\'pwned\'">' },
          },
          { type: 'section', text: { type: 'mrkdwn', text: '<script>document.title="pwned"</script>' } },
        ],
      })
    );
    const other = await browser.newPage();
    await other.goto(pathToFileURL(hostile).href);
    await expect(other.title()).resolves.toBe('Slack message preview');
    expect(await seen(other.locator('.header'))).toBe('<img src=x onerror="document.title=\'pwned\'">');
    await other.close();
  });
});

describe.runIf(chromiumPath)('the default message for a failed run, as a reader sees it', () => {
  const fixture = (name: string): unknown =>
    JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/cli', name), 'utf8'));
  const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:orders-etl:run-2026-11-24';
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    // The real formatter with the default template, from a recorded-format history of a failed run.
    const { message } = await formatExecution({
      event: fixture('failed-run.event.json') as StatusChangeEvent,
      pages: [fixture('failed-run.history.json')],
      settings: { environment: 'prod' },
    });
    dir = tempDir('sfn-slack-preview-');
    const file = path.join(dir, 'failed-run.html');
    writeFileSync(file, renderHtml(message, { title: 'orders-etl run-2026-11-24 FAILED' }));
    page = await browser.newPage({ viewport: { width: 860, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
  });

  it('shows the state machine, environment and failure in the header', async () => {
    const header = await seen(page.locator('.header'));
    expect(header).toContain('orders-etl');
    expect(header).toMatch(/failed/i);
    expect(header).toContain('prod');
  });

  it('shows the status as FAILED', async () => {
    const status = (await page.locator('.field').allInnerTexts()).find((field) => field.startsWith('Status'));
    expect(status).toMatch(/^Status\n.*FAILED$/);
  });

  it('names the failing step as typed, its error and its cause, decoded', async () => {
    const text = await seen(page.locator('.blocks'));
    expect(text).toContain('Load <warehouse> & index');
    expect(text).toContain('LockTimeout');
    expect(text).toContain('Table <orders> is locked by another session & cannot be loaded');
    expect(text).not.toMatch(/&(amp|lt|gt);/);
  });

  it('has a visible button that opens the execution in the console', async () => {
    const button = page.locator('a.button');
    await expect(button.isVisible()).resolves.toBe(true);
    expect(await button.getAttribute('href')).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn}`
    );
  });

  it('writes the README screenshot when UPDATE_SCREENSHOT=1', async () => {
    if (process.env.UPDATE_SCREENSHOT !== '1') {
      console.info('screenshot not written: set UPDATE_SCREENSHOT=1 to update docs/images/failed-run.png');
      return;
    }
    const target = path.join(repoRoot, 'docs/images/failed-run.png');
    mkdirSync(path.dirname(target), { recursive: true });
    await page.locator('.message').screenshot({ path: target });
    expect(existsSync(target)).toBe(true);
  });
});
