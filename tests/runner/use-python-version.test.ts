import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, parseVersion, type Version } from '../../src/runner/version-range.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep, writeFiles } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

const PYENV_ROOT = process.env.PYENV_ROOT || join(homedir(), '.pyenv');
const PYENV_VERSIONS = join(PYENV_ROOT, 'versions');
const installed: Version[] = existsSync(PYENV_VERSIONS)
  ? readdirSync(PYENV_VERSIONS)
      .map((name) => parseVersion(name))
      .filter((version): version is Version => version !== undefined && version.prerelease === undefined)
  : [];

function newest(filter: (version: Version) => boolean): string | undefined {
  const matching = installed.filter(filter).sort(compareVersions);
  const last = matching[matching.length - 1];
  return last ? formatVersion(last) : undefined;
}

/** Searches only pyenv, so the result does not depend on the machine's PATH. */
const pyenvOnly = { pythonSearch: { pyenvRoots: [PYENV_ROOT], uvPythonDirectory: undefined, searchPath: undefined, toolsDirectory: join(makeTempDir(), 'no-tools') } };

const usePython = (versionSpec: string, extra: Record<string, string> = {}) => taskStep('UsePythonVersion', '0', { versionSpec, ...extra }, { name: 'py' });

// Needs real interpreters under ~/.pyenv/versions (3.11 and at least one other 3.x), as on the build machines.
describe.skipIf(newest((v) => v.major === 3 && v.minor === 11) === undefined)('UsePythonVersion with pyenv', () => {
  it('picks the newest 3.11 for 3.11 and puts it first on PATH', async () => {
    const expected = newest((v) => v.major === 3 && v.minor === 11)!;
    const run = await runJob(makeRequest([usePython('3.11'), bash('python --version; echo "$PYTHONLOCATION"')]), pyenvOnly);
    expect(run.finished(1)?.result).toBe('succeeded');
    expect(run.outcome.pythonVersion).toBe(expected);
    expect(run.lines(2)).toEqual([`Python ${expected}`, join(PYENV_VERSIONS, expected)]);
    expect(run.outcome.outputs['py.pythonLocation']).toBe(join(PYENV_VERSIONS, expected));
  });

  it('picks the newest release for 3.x', async () => {
    const run = await runJob(makeRequest([usePython('3.x')]), pyenvOnly);
    expect(run.outcome.pythonVersion).toBe(newest((v) => v.major === 3));
  });

  it('honours a comparator range', async () => {
    const run = await runJob(makeRequest([usePython('>= 3.9 < 3.11')]), pyenvOnly);
    expect(run.outcome.pythonVersion).toBe(newest((v) => v.major === 3 && v.minor >= 9 && v.minor < 11));
  });

  it('fails for 2.5 and lists what it found', async () => {
    const run = await runJob(makeRequest([usePython('2.5')]), pyenvOnly);
    const reason = run.finished(1)?.reason ?? '';
    expect(run.finished(1)?.result).toBe('failed');
    expect(reason).toContain("no Python matching versionSpec '2.5'");
    for (const version of installed) expect(reason).toContain(formatVersion(version));
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN008' });
  });

  it('leaves PATH alone with addToPath false', async () => {
    const run = await runJob(makeRequest([usePython('3.11', { addToPath: 'false' }), bash('echo "$PATH"')]), pyenvOnly);
    expect(run.lines(2)[0]).not.toContain(PYENV_VERSIONS);
  });
});

describe('UsePythonVersion with a tool cache', () => {
  function makeToolCache(): string {
    const tools = makeTempDir();
    for (const [version, arch] of [
      ['3.12.4', 'x64'],
      ['3.12.9', 'arm64'],
      ['3.12.2', 'x64'],
    ]) {
      const bin = join(tools, 'Python', version!, arch!, 'bin');
      writeFiles(bin, { python3: `#!/bin/sh\necho "fake ${version} ${arch}"\n` });
      chmodSync(join(bin, 'python3'), 0o755);
      writeFiles(join(tools, 'Python', version!), { [`${arch}.complete`]: '' });
    }
    // A folder without its .complete marker is an unfinished install and must be ignored.
    writeFiles(join(tools, 'Python', '3.12.8', 'x64', 'bin'), { python3: '' });
    return tools;
  }

  it('chooses by architecture and requires the .complete marker', async () => {
    const tools = makeToolCache();
    const options = { pythonSearch: { toolsDirectory: tools, pyenvRoots: [], uvPythonDirectory: undefined, searchPath: undefined } };
    const x64 = await runJob(makeRequest([usePython('3.12'), bash('python3')]), options);
    expect(x64.outcome.pythonVersion).toBe('3.12.4');
    expect(x64.lines(2)).toEqual(['fake 3.12.4 x64']);

    const arm = await runJob(makeRequest([usePython('3.12', { architecture: 'arm64' })]), options);
    expect(arm.outcome.pythonVersion).toBe('3.12.9');
  });

  it('rejects an invalid versionSpec', async () => {
    const options = { pythonSearch: { toolsDirectory: makeToolCache(), pyenvRoots: [], uvPythonDirectory: undefined, searchPath: undefined } };
    const run = await runJob(makeRequest([usePython('latest')]), options);
    expect(run.finished(1)?.reason).toContain("versionSpec 'latest' is not a valid version or range");
  });
});

describe('findPythonInstallations', () => {
  it('reads uv folder names and probes interpreters on PATH', async () => {
    const { findPythonInstallations } = await import('../../src/runner/python-installations.js');
    const uv = makeTempDir();
    writeFiles(join(uv, 'cpython-3.10.99-linux-x86_64-gnu', 'bin'), { python3: '' });
    writeFiles(join(uv, 'pypy-3.9.19-linux-aarch64-gnu', 'bin'), { pypy3: '' });
    const real = newest((v) => v.major === 3);
    const searchPath = real ? join(PYENV_VERSIONS, real, 'bin') : undefined;

    const found = await findPythonInstallations({ pyenvRoots: [], uvPythonDirectory: uv, searchPath });

    const summary = found.map((entry) => `${entry.source} ${entry.implementation} ${formatVersion(entry.version)} ${entry.architecture}`);
    expect(summary).toContain('uv cpython 3.10.99 x64');
    expect(summary).toContain('uv pypy 3.9.19 arm64');
    if (real) expect(summary).toContain(`PATH cpython ${real} x64`);
  });
});
