import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep, writeFiles } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

/** Creates a fake `node` for an nvm folder that prints its version, as a real node would. */
function fakeNvmNode(nvmDirectory: string, version: string): string {
  const bin = join(nvmDirectory, 'versions', 'node', `v${version}`, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\necho "v${version}"\n`);
  chmodSync(join(bin, 'node'), 0o755);
  return bin;
}

const runningMajor = process.version.slice(1).split('.')[0] as string;

describe('NodeTool@0 and UseNode@1', () => {
  it('selects the running node', async () => {
    const nvm = makeTempDir();
    const run = await runJob(makeRequest([taskStep('NodeTool', '0', { versionSpec: `${runningMajor}.x` }), bash('node --version')]), { nodeSearch: { nvmDirectory: nvm } });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual([process.version]);
  });

  it('selects an nvm version and prepends it', async () => {
    const nvm = makeTempDir();
    fakeNvmNode(nvm, '14.21.3');
    const bin = fakeNvmNode(nvm, '14.17.0');
    const run = await runJob(makeRequest([taskStep('UseNode', '1', { version: '14.17.x' }), bash('node --version; echo "$PATH"')]), { nodeSearch: { nvmDirectory: nvm } });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)[0]).toBe('v14.17.0');
    expect(run.lines(2)[1]?.startsWith(`${bin}:`)).toBe(true);
  });

  it('selects from the tool cache', async () => {
    const tools = makeTempDir();
    const bin = join(tools, 'node', '16.20.2', process.arch, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v16.20.2\n');
    chmodSync(join(bin, 'node'), 0o755);
    const run = await runJob(makeRequest([taskStep('NodeTool', '0', { versionSpec: '16' }), bash('node --version')]), {
      nodeSearch: { nvmDirectory: makeTempDir(), toolsDirectory: tools },
    });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['v16.20.2']);
  });

  it('reads the version from a file', async () => {
    const nvm = makeTempDir();
    fakeNvmNode(nvm, '18.19.1');
    const request = makeRequest([bash('echo v18.19 > .nvmrc'), taskStep('NodeTool', '0', { versionSource: 'fromFile', versionFilePath: '.nvmrc' }), bash('node --version')]);
    const run = await runJob(request, { nodeSearch: { nvmDirectory: nvm } });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(3)).toEqual(['v18.19.1']);
  });

  it('lists what exists when nothing matches', async () => {
    const nvm = makeTempDir();
    fakeNvmNode(nvm, '12.22.12');
    const run = await runJob(makeRequest([taskStep('UseNode', '1', { version: '4.x' })]), { nodeSearch: { nvmDirectory: nvm } });
    const reason = run.finished(1)?.reason ?? '';

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN019' });
    expect(reason).toContain("no Node.js matching '4.x'");
    expect(reason).toContain('12.22.12 (nvm)');
    expect(reason).toContain(`${process.version.slice(1)} (running node)`);
  });
});

describe('PythonScript@0', () => {
  it('runs an inline script with arguments', async () => {
    const run = await runJob(
      makeRequest([taskStep('PythonScript', '0', { scriptSource: 'inline', script: 'import sys\nprint("args", sys.argv[1:])\nprint("##vso[task.setvariable variable=fromPy]42")', arguments: 'one "two words"' }), bash('echo "v=$FROMPY"')]),
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toContain("args ['one', 'two words']");
    expect(run.lines(2)).toEqual(['v=42']);
  });

  it('runs a file and fails on a non-zero exit', async () => {
    const folder = makeTempDir();
    writeFiles(folder, { 'fail.py': 'import sys\nprint("bye")\nsys.exit(3)\n' });
    const run = await runJob(makeRequest([taskStep('PythonScript', '0', { scriptPath: join(folder, 'fail.py') })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.lines(1)).toContain('bye');
    expect(run.finished(1)?.reason).toBe("Python exited with code '3'.");
  });

  it('uses pythonInterpreter when given', async () => {
    const folder = makeTempDir();
    writeFileSync(join(folder, 'fake-python'), '#!/bin/sh\necho "fake interpreter got $1"\n');
    chmodSync(join(folder, 'fake-python'), 0o755);
    const run = await runJob(makeRequest([taskStep('PythonScript', '0', { scriptSource: 'inline', script: 'print(1)', pythonInterpreter: join(folder, 'fake-python') })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)[0]).toMatch(/^fake interpreter got .*\.py$/);
  });

  it('uses the python first on PATH', async () => {
    const folder = makeTempDir();
    writeFileSync(join(folder, 'python'), '#!/bin/sh\necho "chosen python"\n');
    chmodSync(join(folder, 'python'), 0o755);
    const run = await runJob(makeRequest([bash(`echo "##vso[task.prependpath]${folder}"`), taskStep('PythonScript', '0', { scriptSource: 'inline', script: 'print(1)' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['chosen python']);
  });

  it('requires scriptPath for file scripts', async () => {
    const run = await runJob(makeRequest([taskStep('PythonScript', '0', {})]));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("input 'scriptPath' is required");
  });
});

describe('ShellScript@2', () => {
  it('runs in the script folder with arguments', async () => {
    const folder = makeTempDir();
    writeFiles(folder, { 'tools/run.sh': 'echo "cwd=$(pwd) first=$1 second=$2"\n' });
    const run = await runJob(makeRequest([taskStep('ShellScript', '2', { scriptPath: join(folder, 'tools/run.sh'), args: 'a "b c"' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual([`cwd=${join(folder, 'tools')} first=a second=b c`]);
  });

  it('resolves by the GUID shared with Bash', async () => {
    const folder = makeTempDir();
    writeFiles(folder, { 's.sh': 'echo shell-script\n' });
    const run = await runJob(makeRequest([taskStep('6c731c3c-3c68-459a-a5c9-bde6e6595b5b', '2', { scriptPath: join(folder, 's.sh') })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['shell-script']);
  });
});
