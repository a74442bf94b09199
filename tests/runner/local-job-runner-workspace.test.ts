import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckoutStep } from '../../src/language/pipeline/pipeline-model.js';
import { bash, cleanupTempDirs, makeGitRepo, makeRequest, makeTempDir, runJob } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

function checkout(repository: string, path?: string): CheckoutStep {
  return { type: 'checkout', repository, path, continueOnError: false, enabled: true, env: {}, timeoutInMinutes: 0, retryCountOnTaskFailure: 0, location: { file: 'f.yml', line: 4, column: 3 } };
}

describe('LocalJobRunner workspace', () => {
  it('reuses the workspace and empties a and TestResults', async () => {
    const workRoot = makeTempDir();
    const write = bash('touch "$BUILD_ARTIFACTSTAGINGDIRECTORY/old" "$BUILD_BINARIESDIRECTORY/kept" "$COMMON_TESTRESULTSDIRECTORY/old"; echo $AGENT_BUILDDIRECTORY');
    const first = await runJob(makeRequest([write], { workRoot }));
    const second = await runJob(makeRequest([bash('ls -A "$BUILD_ARTIFACTSTAGINGDIRECTORY" "$COMMON_TESTRESULTSDIRECTORY" "$BUILD_BINARIESDIRECTORY" | tr "\\n" " "; echo; echo $AGENT_BUILDDIRECTORY')], { workRoot }));

    expect(second.lines(1)[1]).toBe(first.lines(1)[0]);
    expect(second.lines(1)[0]).not.toContain('old');
    expect(second.lines(1)[0]).toContain('kept');
  });

  it('gives parallel jobs separate workspaces', async () => {
    const workRoot = makeTempDir();
    const step = bash('sleep 0.2; echo $AGENT_BUILDDIRECTORY');
    const [a, b] = await Promise.all([runJob(makeRequest([step], { workRoot })), runJob(makeRequest([step], { workRoot }))]);
    expect(a.lines(1)[0]).not.toBe(b.lines(1)[0]);
  });

  it('empties b with workspace clean outputs', async () => {
    const workRoot = makeTempDir();
    await runJob(makeRequest([bash('touch "$BUILD_BINARIESDIRECTORY/bin"')], { workRoot }));
    const run = await runJob(makeRequest([bash('ls -A "$BUILD_BINARIESDIRECTORY" | wc -l')], { workRoot, workspaceClean: 'outputs' }));
    expect(run.lines(1)).toEqual(['0']);
  });

  it('checks out into a custom path', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const run = await runJob(makeRequest([checkout('self', 'src/app'), bash('pwd; ls')], { source: { path: repo, inPlace: false } }));
    expect(run.lines(2)[0]).toMatch(/\/1\/src\/app$/);
    expect(run.lines(2)[1]).toBe('a.txt');
  });

  it('rejects a checkout path outside the workspace', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const outside = makeTempDir();
    const run = await runJob(makeRequest([checkout('self', outside)], { source: { path: repo, inPlace: false } }));
    expect(run.finished(1)?.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('must be a folder inside Agent.BuildDirectory');
    expect(existsSync(outside)).toBe(true);
  });

  it('fails a repository resource without a local path', async () => {
    const run = await runJob(makeRequest([checkout('tools')]));
    expect(run.finished(1)?.reason).toContain("repository 'tools' has no local path; run with --repository tools=PATH");
  });
});

describe('LocalJobRunner setvariable flags', () => {
  it('keeps the case with preservecase', async () => {
    const run = await runJob(makeRequest([bash('echo "##vso[task.setvariable variable=my.Mixed;preservecase=true]v"'), bash('echo "${my_Mixed:-none}|${MY_MIXED:-none}"')]));
    expect(run.lines(2)).toEqual(['v|none']);
  });

  it('makes a variable read-only with isreadonly', async () => {
    const run = await runJob(
      makeRequest([bash('echo "##vso[task.setvariable variable=fixed;isreadonly=true]one"'), bash('echo "##vso[task.setvariable variable=fixed]two"'), bash('echo $(fixed)')]),
    );
    expect(run.lines(3)).toEqual(['one']);
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN005', recordId: 'Build.Job.2' });
  });

  it('rejects a multi-line secret', async () => {
    const run = await runJob(makeRequest([bash('echo "##vso[task.setvariable variable=s;issecret=true]a%0Ab"'), bash('echo "[$(s)]"')]));
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN012' });
    expect(run.outcome.variables.s).toBeUndefined();
  });
});

describe('LocalJobRunner workspace folders', () => {
  it('sets Agent.TempDirectory to an existing folder', async () => {
    const run = await runJob(makeRequest([bash('test -d "$AGENT_TEMPDIRECTORY" && echo ok')]));
    expect(run.lines(1)).toEqual(['ok']);
  });
});
