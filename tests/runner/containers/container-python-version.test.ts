import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostPythonArchitecture } from '../../../src/runner/python-installations.js';
import { TEST_JOB_IMAGE } from '../../helpers/docker-images.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep } from '../runner-test-helpers.js';
import { containerResource, dockerEnvironment, requireDockerHost } from './container-test-environment.js';

let host = '';
beforeAll(() => {
  host = requireDockerHost();
});
afterEach(() => cleanupTempDirs());

const architecture = hostPythonArchitecture();
const usePython = (versionSpec: string) => taskStep('UsePythonVersion', '0', { versionSpec, architecture }, { name: 'py' });
const onHost = { target: { container: 'host' } };

/** Runner options for the private dockerd. Only the tool cache is searched on the host side, and it is `toolsDirectory`. */
function runnerOptions(toolsDirectory: string) {
  return {
    baseEnvironment: dockerEnvironment(host),
    pythonSearch: { toolsDirectory, pyenvRoots: [], uvPythonDirectory: undefined, searchPath: undefined },
  };
}

/** Returns a tool cache folder that does not exist, so only the container's PATH has interpreters. */
function missingToolCache(): string {
  return join(makeTempDir('sluice-tools-'), 'absent');
}

/** Creates `<tools>/Python/3.12.1/<arch>` with a `python3` that runs the image's Debian python3, and its `.complete` marker. */
function toolCacheWithPython312(): { tools: string; folder: string } {
  const tools = makeTempDir('sluice-tools-');
  const folder = join(tools, 'Python', '3.12.1', architecture);
  mkdirSync(join(folder, 'bin'), { recursive: true });
  writeFileSync(join(folder, 'bin', 'python3'), '#!/bin/sh\nexec /usr/bin/python3 "$@"\n');
  chmodSync(join(folder, 'bin', 'python3'), 0o755);
  writeFileSync(`${folder}.complete`, '');
  return { tools, folder };
}

const container = containerResource('python', TEST_JOB_IMAGE);
const printPython = 'command -v python3; python3 -c "import sys; print(sys.executable); print(sys.version.split()[0])"; echo "location=$PYTHONLOCATION"; echo "path=$PATH"';

describe('UsePythonVersion in a container job', () => {
  it.each(['3.x', '3.11'])('selects the container python3 for %s', async (versionSpec) => {
    const request = makeRequest([bash('echo "$PATH"', onHost), usePython(versionSpec), bash(printPython), bash('echo "$PATH"', onHost)], { container });

    const run = await runJob(request, runnerOptions(missingToolCache()));

    expect(run.finished(2)?.reason).toBeUndefined();
    expect(run.finished(2)?.result).toBe('succeeded');
    expect(run.outcome.pythonVersion).toMatch(/^3\.11\.\d+$/);
    expect(run.outcome.outputs['py.pythonLocation']).toBe('/usr');
    const [found, executable, version, location, path] = run.lines(3);
    expect(found).toBe('/usr/bin/python3');
    expect(executable).toBe('/usr/bin/python3');
    expect(version).toBe(run.outcome.pythonVersion);
    expect(location).toBe('location=/usr');
    expect(path!.split(':')[0]).toBe('path=/usr/bin');
    // The host step after the task keeps the PATH it had before the task.
    expect(run.lines(4)).toEqual(run.lines(1));
  });

  it('lists the container interpreters when none matches', async () => {
    const request = makeRequest([usePython('3.6'), bash('echo not reached')], { container });

    const run = await runJob(request, runnerOptions(missingToolCache()));

    const reason = run.finished(1)?.reason ?? '';
    expect(run.finished(1)?.result).toBe('failed');
    expect(reason).toContain("no Python matching versionSpec '3.6'");
    expect(reason).toContain("in container 'python'");
    expect(reason).toMatch(/Found: 3\.11\.\d+ \w+ \(container PATH: \/usr\)/);
    expect(reason).toContain('Use an image that contains a matching Python');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN008' });
    expect(run.finished(2)?.result).toBe('skipped');
  });

  it('selects a tool cache version mounted into the container', async () => {
    const { tools, folder } = toolCacheWithPython312();
    const request = makeRequest([usePython('3.12'), bash(printPython), bash('echo "$PATH"', onHost)], { container });

    const run = await runJob(request, runnerOptions(tools));

    expect(run.finished(1)?.reason).toBeUndefined();
    expect(run.outcome.pythonVersion).toBe('3.12.1');
    expect(run.outcome.outputs['py.pythonLocation']).toBe(folder);
    const lines = run.lines(2);
    expect(lines[0]).toBe(join(folder, 'bin', 'python3'));
    expect(lines[3]).toBe(`location=${folder}`);
    expect(lines[4]!.split(':').slice(0, 2)).toEqual([`path=${join(folder, 'bin')}`, folder]);
    const hostPath = run.lines(3)[0]!.split(':');
    expect(hostPath).not.toContain(join(folder, 'bin'));
    expect(hostPath).not.toContain(folder);
  });

  it('searches the host for a task with target: host', async () => {
    const { tools, folder } = toolCacheWithPython312();
    const hostTask = { ...usePython('3.12'), ...onHost };
    const request = makeRequest([hostTask, bash('echo "$PATH"', onHost)], { container });

    const run = await runJob(request, runnerOptions(tools));

    expect(run.finished(1)?.reason).toBeUndefined();
    expect(run.outcome.outputs['py.pythonLocation']).toBe(folder);
    const found = run.lines(1).find((line) => line.startsWith('Found Python'));
    expect(found).toContain(' in tool cache: ');
    expect(run.lines(2)[0]!.split(':')[0]).toBe(join(folder, 'bin'));
  });
});
