import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs, bash, condition, makeRequest, runJob, scriptStep, taskStep, variable, makeTempDir, writeFiles } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

describe('LocalJobRunner script steps', () => {
  it('runs script, bash and CmdLine@2 with bash', async () => {
    const run = await runJob(
      makeRequest([
        scriptStep('script', 'echo "script:$0"'),
        bash('echo "bash:$BASH_VERSION" | cut -c1-5'),
        taskStep('CmdLine', '2', { script: 'echo cmdline' }),
      ]),
    );
    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)[0]).toMatch(/^script:.*\.sh$/);
    expect(run.lines(2)).toEqual(['bash:']);
    expect(run.lines(3)).toEqual(['cmdline']);
  });

  it('fails on a non-zero exit code and skips later steps', async () => {
    const run = await runJob(makeRequest([bash('exit 3'), bash('echo never')]));
    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.result).toBe('failed');
    expect(run.finished(1)?.reason).toBe("Bash exited with code '3'.");
    expect(run.finished(2)?.result).toBe('skipped');
    expect(run.outcome.reason).toContain("Bash exited with code '3'.");
  });

  it('script has no -e: the last command decides', async () => {
    const run = await runJob(makeRequest([scriptStep('script', 'false\necho after')]));
    expect(run.finished(1)?.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['after']);
  });

  it('runs Bash@3 from a file with arguments', async () => {
    const source = makeTempDir();
    writeFiles(source, { 'tools/greet.sh': 'echo "args:$1|$2"\n' });
    const run = await runJob(
      makeRequest([taskStep('Bash', '3', { targetType: 'filePath', filePath: 'tools/greet.sh', arguments: '"a b" c', workingDirectory: source })], {
        source: { path: source, inPlace: true },
      }),
    );
    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['args:a b|c']);
  });

  it('sets BASH_ENV from bashEnvValue', async () => {
    const dir = makeTempDir();
    writeFiles(dir, { 'env.sh': 'export FROM_BASH_ENV=loaded\n' });
    const run = await runJob(makeRequest([taskStep('Bash', '3', { targetType: 'inline', script: 'echo $FROM_BASH_ENV', bashEnvValue: join(dir, 'env.sh') })]));
    expect(run.lines(1)).toEqual(['loaded']);
  });

  it('honours workingDirectory and reports a missing one', async () => {
    const dir = makeTempDir();
    const run = await runJob(makeRequest([bash('pwd', { workingDirectory: dir }), bash('pwd', { workingDirectory: join(dir, 'missing'), condition: condition('always()') })]));
    expect(run.lines(1)).toEqual([dir]);
    expect(run.finished(2)?.result).toBe('failed');
    expect(run.finished(2)?.reason).toContain('does not exist');
  });

  it('fails on stderr only with failOnStderr', async () => {
    const run = await runJob(makeRequest([bash('echo oops >&2'), bash('echo oops >&2', { failOnStderr: true })]));
    expect(run.finished(1)?.result).toBe('succeeded');
    expect(run.finished(2)?.result).toBe('failed');
    expect(run.finished(2)?.reason).toContain('standard error');
  });

  it('turns a failure into succeededWithIssues with continueOnError', async () => {
    const run = await runJob(makeRequest([bash('exit 1', { continueOnError: true }), bash('echo next')]));
    expect(run.finished(1)?.result).toBe('succeededWithIssues');
    expect(run.finished(2)?.result).toBe('succeeded');
    expect(run.outcome.result).toBe('succeededWithIssues');
  });

  it('skips a disabled step with a reason', async () => {
    const run = await runJob(makeRequest([bash('echo no', { enabled: false })]));
    expect(run.finished(1)?.result).toBe('skipped');
    expect(run.finished(1)?.reason).toContain('enabled: false');
    expect(run.lines(1)).toEqual([]);
  });

  it('retries a failing step', async () => {
    const dir = makeTempDir();
    const counter = join(dir, 'count');
    const script = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ]`;
    const run = await runJob(makeRequest([bash(script, { retryCountOnTaskFailure: 2 })]));
    expect(run.finished(1)?.result).toBe('succeeded');
    expect(readFileSync(counter, 'utf8').trim()).toBe('3');
  });

  it('emits step records with ids and parent', async () => {
    const run = await runJob(makeRequest([bash('true', { name: 'first', displayName: 'First step' })]));
    const started = run.events.find((event) => event.type === 'record-started');
    expect(started).toMatchObject({ record: { id: 'Build.Job.1', parentId: 'Build.Job', type: 'step', name: 'first', displayName: 'First step' } });
  });

  it('splits a long line into several events without losing text', async () => {
    const run = await runJob(makeRequest([bash("printf 'a%.0s' $(seq 1 25); echo")]), { maxLogLineLength: 10 });
    expect(run.lines(1)).toEqual(['aaaaaaaaaa', 'aaaaaaaaaa', 'aaaaa']);
  });
});

describe('LocalJobRunner PowerShell', () => {
  it('reports a clear error when pwsh is missing', async () => {
    const step = scriptStep('pwsh', 'Write-Host hi', { displayName: 'Say hi' });
    const run = await runJob(makeRequest([step]), { pwshPath: 'pwsh-not-installed-here' });
    expect(run.finished(1)?.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("the pwsh step 'Say hi' needs PowerShell Core");
    expect(run.finished(1)?.reason).toContain('azure-pipelines.yml:1:1');
    const issue = run.events.find((event) => event.type === 'issue');
    expect(issue).toMatchObject({ issueType: 'error', code: 'RUN001' });
  });

  it('builds the preference prologue and LASTEXITCODE epilogue', async () => {
    const { buildPowerShellScript } = await import('../../src/runner/script-invocation.js');
    const text = buildPowerShellScript({
      shell: 'powershell',
      core: true,
      script: "Write-Host 'x'",
      errorActionPreference: 'stop',
      preferences: { WarningPreference: 'default', ProgressPreference: 'silentlyContinue' },
      ignoreLASTEXITCODE: false,
    });
    expect(text.split('\n')).toEqual([
      "$ErrorActionPreference = 'stop'",
      "$ProgressPreference = 'silentlyContinue'",
      "Write-Host 'x'",
      'if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }',
      '',
    ]);
  });
});

describe('LocalJobRunner variables', () => {
  it('maps variables to environment names and keeps secrets out', async () => {
    const request = makeRequest([bash('echo "$MY_VAR_NAME|$BUILD_SOURCEBRANCH|${MY_SECRET:-unset}|$AGENT_JOBNAME|$TF_BUILD"')], {
      variables: { 'my.var name': variable('v1'), 'Build.SourceBranch': variable('refs/heads/main'), 'my.secret': variable('hunter2', true) },
    });
    const run = await runJob(request);
    expect(run.lines(1)).toEqual(['v1|refs/heads/main|unset|Job|True']);
  });

  it('does not pass reserved variable names', async () => {
    const run = await runJob(makeRequest([bash('echo "${INPUT_X:-none}|${SECRET_Y:-none}"')], { variables: { 'input.x': variable('1'), 'secret.y': variable('2') } }));
    expect(run.lines(1)).toEqual(['none|none']);
  });

  it('expands macros in script, env and displayName', async () => {
    const request = makeRequest([bash('echo "$(greeting) $TOKEN_ENV"', { displayName: 'Say $(greeting)', env: { TOKEN_ENV: '$(token)' } })], {
      variables: { greeting: variable('hello'), token: variable('tok3n-value', true) },
    });
    const run = await runJob(request);
    expect(run.lines(1)).toEqual(['hello ***']);
    const started = run.events.find((event) => event.type === 'record-started');
    expect(started).toMatchObject({ record: { displayName: 'Say hello' } });
  });

  it('setvariable takes effect from the next step', async () => {
    const run = await runJob(
      makeRequest([
        bash('echo "##vso[task.setvariable variable=color]blue"\necho "same:$(color)|$COLOR"'),
        bash('echo "next:$(color)|$COLOR"'),
      ], { variables: { color: variable('red') } }),
    );
    expect(run.lines(1)).toEqual(['same:red|red']);
    expect(run.lines(2)).toEqual(['next:blue|blue']);
    expect(run.outcome.variables.color).toBe('blue');
  });

  it('publishes output variables by step name', async () => {
    const run = await runJob(
      makeRequest([
        bash('echo "##vso[task.setvariable variable=version;isOutput=true]1.2.3"', { name: 'setver' }),
        bash('echo "$(setver.version)|$SETVER_VERSION"'),
      ]),
    );
    expect(run.outcome.outputs).toEqual({ 'setver.version': '1.2.3' });
    expect(run.lines(2)).toEqual(['1.2.3|1.2.3']);
    const event = run.events.find((e) => e.type === 'variable-set');
    expect(event).toMatchObject({ name: 'setver.version', value: '1.2.3', isOutput: true });
  });

  it('rejects setting a read-only variable', async () => {
    const run = await runJob(
      makeRequest([bash('echo "##vso[task.setvariable variable=locked]new"\necho "##vso[task.setvariable variable=Agent.OS]Plan9"'), bash('echo "$(locked)|$(Agent.OS)"')], {
        variables: { locked: variable('old', false, true) },
      }),
    );
    const issues = run.events.filter((event) => event.type === 'issue');
    expect(issues.map((issue) => issue.type === 'issue' && issue.code)).toEqual(['RUN005', 'RUN005']);
    expect(run.lines(2)[0]).toMatch(/^old\|(Linux|Darwin|Windows_NT)$/);
  });

  it('prepends PATH for later steps only', async () => {
    const tools = makeTempDir();
    writeFiles(tools, { 'mytool': '#!/bin/sh\necho mytool-ran\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(tools, 'mytool'), 0o755);
    const run = await runJob(makeRequest([bash(`echo "##vso[task.prependpath]${tools}"\ncommand -v mytool || echo missing`), bash('mytool')]));
    expect(run.lines(1)).toEqual(['missing']);
    expect(run.lines(2)).toEqual(['mytool-ran']);
  });

  it('sets predefined workspace variables', async () => {
    const run = await runJob(makeRequest([bash('echo "$AGENT_BUILDDIRECTORY|$PIPELINE_WORKSPACE|$BUILD_SOURCESDIRECTORY|$BUILD_ARTIFACTSTAGINGDIRECTORY|$COMMON_TESTRESULTSDIRECTORY|$SYSTEM_JOBPOSITIONINPHASE"')]));
    const [buildDir, workspace, sources, staging, results, position] = run.lines(1)[0]!.split('|');
    expect(workspace).toBe(buildDir);
    expect(sources).toBe(join(buildDir!, 's'));
    expect(staging).toBe(join(buildDir!, 'a'));
    expect(results).toBe(join(buildDir!, 'TestResults'));
    expect(position).toBe('1');
  });
});

describe('LocalJobRunner secrets', () => {
  it('masks secrets in logs, issues, variables and reasons', async () => {
    const run = await runJob(
      makeRequest(
        [
          bash('echo "value=$(pw)"\necho "##vso[task.logissue type=warning]bad $(pw)"\necho "##vso[task.setvariable variable=copy]$(pw)"'),
          // The values are computed by bash so that the script text itself, logged before the step runs, does not contain them.
          bash('echo "##vso[task.setvariable variable=later;issecret=true]late-$((1+1))-secret"\necho "late-$((1+1))-secret same step"'),
          bash('echo "late-$((1+1))-secret now"\necho "##vso[task.setsecret]runtime-$((2+2))-value"\necho "runtime-$((2+2))-value masked"'),
          bash('echo "$(pw) in failure" >&2; exit 1', { failOnStderr: true }),
        ],
        { variables: { pw: variable('Pa55word!', true) } },
      ),
    );
    const text = JSON.stringify(run.events) + JSON.stringify(run.outcome);
    expect(text).not.toContain('Pa55word!');
    expect(text).not.toContain('late-2-secret');
    expect(text).not.toContain('runtime-4-value');
    expect(run.lines(1)[0]).toBe('value=***');
    expect(run.lines(2)).toEqual(['*** same step']);
    expect(run.lines(3)).toEqual(['*** now', '*** masked']);
    expect(run.outcome.variables.pw).toBe('***');
    expect(run.outcome.variables.later).toBe('***');
    expect(run.outcome.variables.copy).toBe('***');
  });

  it('does not put a secret set by a step into the environment', async () => {
    const run = await runJob(makeRequest([bash('echo "##vso[task.setvariable variable=tok;issecret=true]abc123"'), bash('echo "${TOK:-absent}"')]));
    expect(run.lines(2)).toEqual(['absent']);
  });
});

describe('LocalJobRunner logging commands', () => {
  it('handles issues, complete, formatting and unknown commands', async () => {
    const run = await runJob(
      makeRequest([
        bash(
          [
            'echo "##vso[task.logissue type=error;sourcepath=src/a.py;linenumber=3;columnnumber=7;code=E1]broken"',
            'echo "##[group]Setup"',
            'echo "##[endgroup]"',
            'echo "##vso[task.frobnicate]x"',
            'echo "##vso[build.addbuildtag]nightly"',
            'echo "##vso[task.complete result=SucceededWithIssues]partly"',
          ].join('\n'),
        ),
      ]),
    );
    const issues = run.events.filter((event) => event.type === 'issue');
    expect(issues[0]).toMatchObject({ issueType: 'error', message: 'broken', sourcePath: 'src/a.py', line: 3, column: 7, code: 'E1' });
    expect(issues[1]).toMatchObject({ issueType: 'warning', code: 'RUN006' });
    expect(issues[2]).toMatchObject({ issueType: 'warning', message: 'partly' });
    const formats = run.events.flatMap((event) => (event.type === 'log' && event.format ? [[event.format, event.line]] : []));
    expect(formats).toContainEqual(['group', 'Setup']);
    expect(formats).toContainEqual(['endgroup', '']);
    expect(run.finished(1)?.result).toBe('succeededWithIssues');
  });

  it('task.complete Failed fails a step that exits 0', async () => {
    const run = await runJob(makeRequest([bash('echo "##vso[task.complete result=Failed]nope"')]));
    expect(run.finished(1)?.result).toBe('failed');
  });
});

describe('LocalJobRunner PowerShell launch', () => {
  it('starts pwsh with the generated script', async () => {
    // pwsh is not installed on the build machines, so a stand-in records how it was called.
    const bin = makeTempDir();
    writeFiles(bin, { pwsh: '#!/bin/bash\necho "args:$*"\ncat "${5:3:-1}"\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(bin, 'pwsh'), 0o755);
    const step = scriptStep('pwsh', 'Write-Host "$(greeting)"', { errorActionPreference: 'continue', ignoreLASTEXITCODE: true });
    const run = await runJob(makeRequest([step], { variables: { greeting: variable('hi') } }), { pwshPath: join(bin, 'pwsh') });

    const [args, ...script] = run.lines(1);
    expect(args).toMatch(/^args:-NoLogo -NoProfile -NonInteractive -Command \. '.*\.ps1'$/);
    expect(script).toEqual(["$ErrorActionPreference = 'continue'", "$ProgressPreference = 'silentlyContinue'", 'Write-Host "hi"']);
  });
});
