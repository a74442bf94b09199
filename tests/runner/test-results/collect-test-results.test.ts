import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTestResults } from '../../../src/runner/test-results/collect-test-results.js';
import { filterPathsByPatterns, findMatchingFiles } from '../../../src/runner/test-results/find-matching-files.js';
import { mergeTestResults } from '../../../src/runner/test-results/merge-test-results.js';
import { TestResultsErrorCode } from '../../../src/runner/test-results/test-results-error-codes.js';
import { testRunTitle } from '../../../src/runner/test-results/test-run-title.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const noMask = (text: string): string => text;
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'sluice-test-results-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function place(fixture: string, relative: string): Promise<string> {
  const target = path.join(workspace, relative);
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(path.join(fixtures, fixture), target);
  return target;
}

describe('findMatchingFiles', () => {
  it('applies includes and excludes in order', async () => {
    await place('TEST-nested.xml', 'a/TEST-one.xml');
    await place('TEST-nested.xml', 'b/deep/TEST-two.xml');
    await place('TEST-nested.xml', 'b/skip/TEST-three.xml');
    await place('TEST-nested.xml', '.hidden/TEST-four.xml');
    await place('TEST-nested.xml', 'a/other.xml');

    const files = await findMatchingFiles('**/TEST-*.xml\n!**/skip/**\n# a comment\n', { searchFolder: workspace });
    const relative = files.map((file) => path.relative(workspace, file));
    expect(relative).toEqual(['.hidden/TEST-four.xml', 'a/TEST-one.xml', 'b/deep/TEST-two.xml']);
  });

  it('treats braces literally', async () => {
    await place('TEST-nested.xml', '{a}.xml');
    await place('TEST-nested.xml', 'a.xml');
    const files = await findMatchingFiles('{a}.xml', { searchFolder: workspace });
    expect(files.map((file) => path.basename(file))).toEqual(['{a}.xml']);
  });

  it('accepts absolute patterns', async () => {
    const file = await place('TEST-nested.xml', 'x/TEST-a.xml');
    expect(await findMatchingFiles(path.join(workspace, 'x', '*.xml'), { searchFolder: '/nonexistent' })).toEqual([file]);
  });

  it('filters relative paths', () => {
    const selected = filterPathsByPatterns(['a/x.whl', 'a/x.tar.gz', 'b/y.whl'], '**/*.whl\n!b/**');
    expect(selected).toEqual(['a/x.whl']);
  });
});

describe('collectTestResults', () => {
  it('publishes one run per file by default', async () => {
    await place('TEST-nested.xml', 'java/TEST-nested.xml');
    await place('TEST-pytest.xml', 'py/TEST-pytest.xml');
    const result = await collectTestResults({ format: 'junit', searchFolder: workspace, runId: 42, maskSecrets: noMask });
    expect(result.failed).toBe(false);
    expect(result.diagnostics).toEqual([]);
    expect(result.runs.map((run) => run.title)).toEqual(['JUnit_TestResults_42', 'JUnit_TestResults_42 2']);
    expect(result.runs.map((run) => run.summary.total)).toEqual([5, 5]);
  });

  it('merges files into one titled run', async () => {
    await place('TEST-nested.xml', 'TEST-a.xml');
    await place('TEST-pytest.xml', 'TEST-b.xml');
    const result = await collectTestResults({
      format: 'JUnit',
      searchFolder: workspace,
      runId: 1,
      mergeTestResults: true,
      testRunTitle: 'Python 3.12',
      maskSecrets: noMask,
    });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]?.title).toBe('Python 3.12');
    expect(result.runs[0]?.summary).toEqual({ total: 10, passed: 3, failed: 4, skipped: 3, durationMs: 2543 });
    expect(result.runs[0]?.files).toHaveLength(2);
  });

  it('warns on a bad file and keeps the rest', async () => {
    await place('TEST-nested.xml', 'TEST-good.xml');
    await place('TEST-not-xml.xml', 'TEST-bad.xml');
    const result = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 1, maskSecrets: noMask });
    expect(result.runs).toHaveLength(1);
    expect(result.failed).toBe(false);
    expect(result.diagnostics.map((item) => [item.code, item.severity])).toEqual([[TestResultsErrorCode.NotXml, 'warning']]);
    expect(result.diagnostics[0]?.location?.file).toBe(path.join(workspace, 'TEST-bad.xml'));
  });

  it('fails on a bad file when asked', async () => {
    await place('TEST-html.xml', 'TEST-bad.xml');
    const result = await collectTestResults({
      format: 'JUnit',
      searchFolder: workspace,
      runId: 1,
      failTaskOnFailureToPublishResults: true,
      maskSecrets: noMask,
    });
    expect(result.failed).toBe(true);
    expect(result.diagnostics[0]?.code).toBe(TestResultsErrorCode.UnknownRootElement);
  });

  it('warns or fails when nothing matches', async () => {
    const warned = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 1, maskSecrets: noMask });
    expect(warned.failed).toBe(false);
    expect(warned.diagnostics[0]?.code).toBe(TestResultsErrorCode.NoResultsFiles);
    expect(warned.diagnostics[0]?.severity).toBe('warning');

    const failed = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 1, failTaskOnMissingResultsFile: true, maskSecrets: noMask });
    expect(failed.failed).toBe(true);
  });

  it('fails on failed tests only when asked', async () => {
    await place('TEST-pytest.xml', 'TEST-p.xml');
    const lenient = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 1, maskSecrets: noMask });
    expect(lenient.failed).toBe(false);
    const strict = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 1, failTaskOnFailedTests: true, maskSecrets: noMask });
    expect(strict.failed).toBe(true);
    expect(strict.diagnostics[0]?.code).toBe(TestResultsErrorCode.FailedTests);
  });

  it('rejects an unsupported format', async () => {
    const result = await collectTestResults({ format: 'CTest', searchFolder: workspace, runId: 1, maskSecrets: noMask });
    expect(result.failed).toBe(true);
    expect(result.diagnostics[0]?.code).toBe(TestResultsErrorCode.UnsupportedFormat);
  });
});

describe('titles and merging', () => {
  it('uses the title or a default', () => {
    expect(testRunTitle({ title: '  ', format: 'NUnit', runId: 7 })).toBe('NUnit_TestResults_7');
    expect(testRunTitle({ title: 'Linux', format: 'NUnit', runId: 7, fileIndex: 3 })).toBe('Linux 3');
  });

  it('merges nothing into nothing', () => {
    expect(mergeTestResults([], 'x')).toBeUndefined();
  });
});

/** Finds a pyenv Python that has pytest, preferring 3.12; undefined when none has it. */
async function findPythonWithPytest(): Promise<string | undefined> {
  const root = path.join(os.homedir(), '.pyenv', 'versions');
  const versions = await readdir(root).catch(() => [] as string[]);
  const ordered = [...versions.filter((item) => item.startsWith('3.12.')), ...versions.filter((item) => !item.startsWith('3.12.'))];
  for (const version of ordered) {
    const python = path.join(root, version, 'bin', 'python');
    try {
      await promisify(execFile)(python, ['-c', 'import pytest']);
      return python;
    } catch {
      // This interpreter has no pytest; try the next one.
    }
  }
  return undefined;
}

const pythonWithPytest = await findPythonWithPytest();

describe('real pytest output', () => {
  // Skipped only on machines where no pyenv Python has pytest installed.
  it.skipIf(pythonWithPytest === undefined)('reads pytest --junitxml output', async () => {
    await writeFile(
      path.join(workspace, 'test_sample.py'),
      [
        'import sys, pytest',
        'def test_pass():',
        '    print("hello from stdout")',
        'def test_fail():',
        '    assert 1 + 1 == 3, "math is broken"',
        '@pytest.mark.skip(reason="not today")',
        'def test_skipped():',
        '    pass',
        '@pytest.fixture',
        'def broken():',
        '    raise RuntimeError("fixture boom")',
        'def test_error(broken):',
        '    pass',
        '',
      ].join('\n'),
    );
    const junit = path.join(workspace, 'out', 'TEST-pytest.xml');
    await promisify(execFile)(pythonWithPytest as string, ['-m', 'pytest', '-p', 'no:cacheprovider', '-o', 'junit_logging=system-out', `--junitxml=${junit}`, 'test_sample.py'], { cwd: workspace }).catch(
      (error: { code?: number }) => {
        // pytest exits 1 when tests fail, which this sample does on purpose.
        if (error.code !== 1) throw error;
      },
    );

    const result = await collectTestResults({ format: 'JUnit', searchFolder: workspace, runId: 5, maskSecrets: noMask });
    const run = result.runs[0];
    expect(run?.summary.total).toBe(4);
    expect(run?.summary.passed).toBe(1);
    expect(run?.summary.failed).toBe(2);
    expect(run?.summary.skipped).toBe(1);
    const failing = run?.tests.find((test) => test.name === 'test_fail');
    expect(failing?.className).toBe('test_sample');
    expect(failing?.message).toContain('math is broken');
    expect(run?.tests.find((test) => test.name === 'test_error')?.failureKind).toBe('error');
    expect(run?.tests.find((test) => test.name === 'test_skipped')?.message).toContain('not today');
    expect(run?.tests.find((test) => test.name === 'test_pass')?.stdout).toContain('hello from stdout');
  });
});
