import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR_ENV } from '../../src/server/routes/web-routes.js';
import { LOG_PAGE_LINES } from '../../src/web/run/log-viewer.js';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestServer } from '../server/server-test-helpers.js';
import { buildWebUi, launchBrowser } from './web-test-helpers.js';

/** Upper bound of each wait in the browser, in milliseconds; a hang fails the test instead of stalling it. */
const WAIT_MS = 30_000;

/** Returns a pipeline whose step writes formatted lines, then waits for the gate file, so the test reads its log while it runs. */
function gatedPipeline(gatePath: string): string {
  return `steps:
- script: |
    echo "##[group]Prepare"
    echo "inside the group"
    echo "##[endgroup]"
    printf '\\033[32mgreen text\\033[0m\\n'
    echo "##[warning]a warning line"
    echo "waiting for the gate"
    count=0
    while [ ! -f '${gatePath}' ] && [ "$count" -lt 600 ]; do sleep 0.1; count=$((count + 1)); done
    echo "gate opened"
  displayName: Wait for gate
`;
}

/** Lines the failing step prints before its error: more than one page of LOG_PAGE_LINES, so the error is on the second page. */
const FILLER_LINES = 1200;

const FAILING_PIPELINE = `steps:
- script: |
    seq 1 ${FILLER_LINES}
    echo "before the failure"
    echo "##[error]something broke"
    exit 3
  displayName: Failing step
`;

const JUNIT_REPORT = `<?xml version="1.0"?>
<testsuites><testsuite name="calc" tests="2" failures="1" time="0.3">
<testcase classname="calc" name="adds" time="0.1"/>
<testcase classname="calc" name="divides" time="0.2"><failure message="expected 2">expected 2, got 3</failure></testcase>
</testsuite></testsuites>
`;

const PUBLISHING_PIPELINE = `steps:
- script: mkdir -p out && echo built > out/app.txt
  displayName: Build
- publish: out
  artifact: app
- task: PublishTestResults@2
  inputs:
    testResultsFiles: 'reports/TEST-*.xml'
    testRunTitle: Unit
`;

const SLEEPING_PIPELINE = `steps:
- script: |
    echo "sleeping"
    sleep 60
  displayName: Sleep a minute
`;

describe('web UI in a browser', () => {
  let test: TestServer;
  let browser: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let gatePath: string;
  let webDir: string;
  const pipelineIds: Record<string, number> = {};
  const requestedUrls: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const previousWebDir = process.env[WEB_DIR_ENV];

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'sluice-web-build-'));
    await buildWebUi(webDir);
    // The web routes read this variable when the server registers them, so this server serves the build of the current src/web.
    process.env[WEB_DIR_ENV] = webDir;
    test = await startTestServer({ host: '127.0.0.1', port: 0 });
    baseUrl = await test.server.listen();

    gatePath = join(test.root, 'gate');
    const repo = createTestRepository(test.root, {
      'live.yml': gatedPipeline(gatePath),
      'fail.yml': FAILING_PIPELINE,
      'sleep.yml': SLEEPING_PIPELINE,
      'publish.yml': PUBLISHING_PIPELINE,
      'reports/TEST-calc.xml': JUNIT_REPORT,
    });
    for (const [name, yamlPath] of [['live', 'live.yml'], ['failing', 'fail.yml'], ['sleeping', 'sleep.yml'], ['publishing', 'publish.yml']] as const) {
      const created = await test.request('POST', '/api/pipelines', { name, repositoryUrl: repo.path, yamlPath });
      expect(created.statusCode).toBe(201);
      pipelineIds[name] = created.json().id as number;
    }

    const profile = join(test.root, 'browser-profile');
    mkdirSync(profile);
    browser = await launchBrowser(profile);
    browser.on('request', (request) => requestedUrls.push(request.url()));
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.setDefaultTimeout(WAIT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await test?.cleanup();
    if (previousWebDir === undefined) delete process.env[WEB_DIR_ENV];
    else process.env[WEB_DIR_ENV] = previousWebDir;
    if (webDir !== undefined) rmSync(webDir, { recursive: true, force: true });
  });

  /** Stores the admin token in the page's localStorage, as the sign-in form does, so a test can run alone. */
  async function signIn(): Promise<void> {
    await page.goto(`${baseUrl}/`);
    await page.evaluate((token) => window.localStorage.setItem('sluice.apiToken', token), test.adminToken);
  }

  /** Locates the log line whose text is exactly `text`, so the script's own source, which is logged too, does not match. */
  function logLine(text: string) {
    return page.locator('.log-line').filter({ has: page.locator('.line-text', { hasText: new RegExp(`^${text}$`) }) });
  }

  async function queueRun(pipeline: string): Promise<number> {
    const response = await test.request('POST', `/api/pipelines/${pipelineIds[pipeline]}/runs`, {});
    expect(response.statusCode).toBe(201);
    return response.json().id as number;
  }

  it('asks for a token, then lists the pipelines', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();

    await page.getByLabel('API token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('#token-error');
    await alert.filter({ hasText: 'rejected' }).waitFor();
    expect(await alert.textContent()).toContain('unknown, revoked or expired');

    await page.getByLabel('API token').fill(test.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
    const names = await page.locator('.pipeline h2').allTextContents();
    expect(names.sort()).toEqual(['failing', 'live', 'publishing', 'sleeping']);
    expect(await page.evaluate(() => window.localStorage.getItem('sluice.apiToken'))).toBe(test.adminToken);
  });

  it('streams a running step live, then reads it by range', async () => {
    await signIn();
    await page.goto(`${baseUrl}/pipelines`);
    const live = page.locator(`.pipeline[data-pipeline-id="${pipelineIds.live}"]`);
    await live.getByText('Queue a run').click();
    await live.getByLabel('Variables', { exact: true }).fill('greeting=hello');
    await live.getByRole('button', { name: 'Queue run' }).click();
    await page.waitForURL(/\/runs\/\d+/);
    const runId = Number(new URL(page.url()).pathname.split('/').pop());

    await page.getByRole('button', { name: /Wait for gate/ }).click();
    const panel = page.locator('.log-panel');
    await logLine('waiting for the gate').waitFor();
    expect(await panel.getAttribute('data-mode')).toBe('live');
    expect(await panel.getAttribute('data-state')).toBe('streaming');
    expect(await page.locator('.log-group > summary').textContent()).toContain('Prepare');
    expect(await page.locator('.ansi-green-fg').textContent()).toBe('green text');
    expect(await page.locator('.log-warning').textContent()).toContain('a warning line');
    expect(await logLine('gate opened').count()).toBe(0);

    writeFileSync(gatePath, 'open');
    await logLine('gate opened').waitFor();
    await page.locator('.run-facts [data-status="succeeded"]').waitFor();
    await page.locator('.log-panel[data-state="complete"]').waitFor();
    const stepStates = await page.locator('li.record-step').evaluateAll((items) => items.map((item) => item.getAttribute('data-result')));
    expect(stepStates.length).toBeGreaterThan(0);
    expect(stepStates.every((result) => result === 'succeeded')).toBe(true);

    const stepId = await page.locator('.log-panel').getAttribute('data-record-id');
    await page.goto(`${baseUrl}/runs/${runId}?record=${encodeURIComponent(stepId ?? '')}`);
    await page.locator('.log-panel[data-mode="range"][data-state="complete"]').waitFor();
    const texts = await page.locator('.log-line .line-text').allTextContents();
    expect(texts).toContain('waiting for the gate');
    expect(texts).toContain('gate opened');
    expect(await page.locator('.log-group > summary').textContent()).toContain('Prepare');

    const screenshot = join(test.root, 'run-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('highlights the error of a failed step', async () => {
    await signIn();
    const runId = await queueRun('failing');
    const run = await waitForRunCompletion(test, runId);
    expect(run.result).toBe('failed');

    await page.goto(`${baseUrl}/runs/${runId}`);
    // The page opens the failed step's log by itself, by range, one page at a time.
    await page.locator('.log-panel[data-mode="range"][data-state="complete"]').waitFor();
    expect(await page.locator('.log-status').textContent()).toMatch(new RegExp(`^Showing lines 1 to ${LOG_PAGE_LINES} of \\d+\\.$`));
    expect(await page.locator('.log-line').count()).toBe(LOG_PAGE_LINES);
    const errorLine = page.locator('.log-line.log-error');
    expect(await errorLine.count()).toBe(0);

    await page.getByRole('button', { name: 'Load more lines' }).click();
    await errorLine.waitFor();
    expect(await page.locator('.log-status').textContent()).toMatch(/^\d+ lines\.$/);
    expect(await page.getByRole('button', { name: 'Load more lines' }).count()).toBe(0);
    expect(await errorLine.textContent()).toContain('Error: something broke');
    expect(await page.locator('.run-facts [data-status="failed"]').count()).toBe(1);
    expect(await page.locator('li.record-step[data-result="failed"]').count()).toBe(1);
    expect(await page.locator('.issue-error').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Re-run failed jobs' }).isVisible()).toBe(true);
  });

  it('shows test totals and downloads an artifact', async () => {
    await signIn();
    const runId = await queueRun('publishing');
    await waitForRunCompletion(test, runId);
    await page.goto(`${baseUrl}/runs/${runId}`);

    const totals = page.locator('.test-totals');
    await totals.waitFor();
    expect(await totals.textContent()).toContain('2 tests: 1 passed, 1 failed, 0 skipped');
    expect(await page.locator('.run-tests tbody th').allTextContents()).toEqual(['Unit']);

    const artifactRow = page.locator('tr[data-artifact="app"]');
    expect(await artifactRow.locator('td').first().textContent()).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), artifactRow.getByRole('button', { name: 'Download app as .tar.gz' }).click()]);
    expect(download.suggestedFilename()).toBe('app.tar.gz');
    const archivePath = join(test.root, 'app.tar.gz');
    await download.saveAs(archivePath);
    const archive = readFileSync(archivePath);
    // Every gzip stream starts with the bytes 1f 8b (RFC 1952).
    expect(archive.subarray(0, 2).toString('hex')).toBe('1f8b');
  });

  it('cancels a running run', async () => {
    await signIn();
    const runId = await queueRun('sleeping');
    await page.goto(`${baseUrl}/runs/${runId}`);
    // Nothing is selected: the page follows whichever step is running.
    await logLine('sleeping').waitFor();

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('.run-facts [data-status="canceled"]').waitFor();
    const run = await waitForRunCompletion(test, runId);
    expect(run.result).toBe('canceled');
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  });

  it('lists runs with filters and the agents', async () => {
    await signIn();
    const runId = await queueRun('failing');
    await waitForRunCompletion(test, runId);
    await page.goto(`${baseUrl}/pipelines/${pipelineIds.failing}`);
    await page.locator(`tr[data-run-id="${runId}"]`).waitFor();
    expect(await page.locator(`tr[data-run-id="${runId}"] [data-status="failed"]`).count()).toBe(1);

    await page.getByLabel('Result').selectOption('succeeded');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No run matches these filters.').waitFor();
    expect(new URL(page.url()).search).toBe('?result=succeeded');

    await page.getByRole('link', { name: 'Agents' }).click();
    await page.locator('tr[data-agent-id]').first().waitFor();
    expect(await page.locator('tr[data-agent-id] th').first().textContent()).toBe('sluice-local');
  });

  it('selects a step with the keyboard', async () => {
    await signIn();
    const runId = await queueRun('failing');
    await waitForRunCompletion(test, runId);
    await page.goto(`${baseUrl}/runs/${runId}`);
    const checkout = page.getByRole('button', { name: /Checkout self/ });
    await checkout.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Log of Checkout self' }).waitFor();
    expect(await checkout.getAttribute('aria-pressed')).toBe('true');
    // The tree is drawn again on refreshes; focus stays on the selected step.
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Checkout self');
  });

  it('sends requests only to the Sluice server', async () => {
    await signIn();
    await page.goto(`${baseUrl}/pipelines`);
    await page.locator('.pipeline').first().waitFor();
    expect(requestedUrls.length).toBeGreaterThan(0);
    const elsewhere = requestedUrls.filter((url) => !url.startsWith(`${baseUrl}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(elsewhere).toEqual([]);
  });

  it('runs without script errors or CSP violations', async () => {
    await signIn();
    await page.goto(`${baseUrl}/agents`);
    await page.locator('tr[data-agent-id]').first().waitFor();
    expect(pageErrors).toEqual([]);
    // Rejected tokens log failed requests (401) on purpose; nothing else may reach the console.
    expect(consoleErrors.filter((text) => !text.includes('401'))).toEqual([]);
  });

  it('re-runs the failed jobs of a run', async () => {
    await signIn();
    const runId = await queueRun('failing');
    await waitForRunCompletion(test, runId);
    await page.goto(`${baseUrl}/runs/${runId}`);
    await page.getByRole('button', { name: 'Re-run failed jobs' }).click();

    await page.locator('.record-attempt', { hasText: 'attempt 2' }).first().waitFor();
    await page.locator('.run-facts [data-status="failed"]').waitFor();
    const run = await waitForRunCompletion(test, runId);
    expect(run.result).toBe('failed');
    const records = (await test.request('GET', `/api/runs/${runId}/timeline`)).json().records as Array<{ type: string; attempt: number }>;
    expect(records.filter((record) => record.type === 'job').map((record) => record.attempt)).toEqual([2]);
  });

  it('asks for a token again when the stored one is rejected', async () => {
    await page.goto(`${baseUrl}/`);
    await page.evaluate(() => window.localStorage.setItem('sluice.apiToken', 'revoked-or-unknown'));
    await page.goto(`${baseUrl}/agents`);
    await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
    expect(await page.evaluate(() => window.localStorage.getItem('sluice.apiToken'))).toBeNull();
  });
});
