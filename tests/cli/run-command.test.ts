import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { parseJsonLines, runSluice } from '../helpers/run-sluice.js';

interface SummaryRecord {
  name: string;
  displayName: string;
  result: string;
  reason?: string;
  startTime?: string;
  finishTime?: string;
}
interface SummaryJob extends SummaryRecord {
  steps: SummaryRecord[];
  variables?: Record<string, string>;
}
interface Summary {
  type: 'summary';
  result: string;
  stages: (SummaryRecord & { jobs: SummaryJob[] })[];
}

const repositories: TempRepository[] = [];
afterEach(() => {
  while (repositories.length > 0) repositories.pop()!.remove();
});

function repository(files: Record<string, string>, options?: { branch?: string }): TempRepository {
  const created = createTempRepository(files, options);
  repositories.push(created);
  return created;
}

async function runJson(repo: TempRepository, extra: string[] = []) {
  const result = await runSluice(['run', '--output', 'json', '--work-dir', join(repo.path, '..', `${repo.path.split('/').pop()}-work`), ...extra], { cwd: repo.path });
  const events = parseJsonLines(result.stdout);
  const summary = events[events.length - 1] as unknown as Summary;
  return { ...result, events, summary };
}

describe('sluice run', () => {
  it('runs a steps pipeline and reports each step', async () => {
    const repo = repository({
      'azure-pipelines.yml': "steps:\n- script: echo hello from one\n  displayName: First\n- bash: echo \"two on $(Build.SourceBranchName)\"\n  displayName: Second\n",
    });
    const { code, summary, events } = await runJson(repo);

    expect(code).toBe(0);
    expect(summary.type).toBe('summary');
    expect(summary.result).toBe('succeeded');
    expect(summary.stages).toHaveLength(1);
    const job = summary.stages[0]!.jobs[0]!;
    expect(job.result).toBe('succeeded');
    const displayNames = job.steps.map((step) => step.displayName);
    expect(displayNames).toContain('First');
    expect(displayNames).toContain('Second');
    for (const step of job.steps) {
      expect(step.startTime).toBeTruthy();
      expect(step.finishTime).toBeTruthy();
    }
    const lines = events.filter((event) => event.type === 'log').map((event) => event.line);
    expect(lines).toContain('hello from one');
    expect(lines).toContain('two on main');
  });

  it('exits 1 and names the failed step', async () => {
    const repo = repository({ 'azure-pipelines.yml': "steps:\n- script: exit 3\n  displayName: Breaks\n- script: echo never\n  displayName: After\n" });
    const { code, summary } = await runJson(repo);

    expect(code).toBe(1);
    expect(summary.result).toBe('failed');
    const steps = summary.stages[0]!.jobs[0]!.steps;
    const breaks = steps.find((step) => step.displayName === 'Breaks')!;
    expect(breaks.result).toBe('failed');
    expect(breaks.reason).toMatch(/3/);
    expect(steps.find((step) => step.displayName === 'After')!.result).toBe('skipped');
  });

  it('gives succeededWithIssues for continueOnError and exits 0', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: exit 1\n  continueOnError: true\n- script: echo next\n  displayName: Next\n' });
    const { code, summary } = await runJson(repo);

    expect(code).toBe(0);
    expect(summary.result).toBe('succeededWithIssues');
    expect(summary.stages[0]!.jobs[0]!.steps.find((step) => step.displayName === 'Next')!.result).toBe('succeeded');
  });

  it('never writes into the checkout by default', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo made > made-by-step.txt && cat tracked.txt\n', 'tracked.txt': 'tracked\n' });
    const { code } = await runJson(repo);

    expect(code).toBe(0);
    expect(existsSync(join(repo.path, 'made-by-step.txt'))).toBe(false);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo.path, encoding: 'utf8' })).toBe('');
  });

  it('writes into the checkout with --in-place', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo made > made-by-step.txt\n' });
    const { code } = await runJson(repo, ['--in-place']);

    expect(code).toBe(0);
    expect(existsSync(join(repo.path, 'made-by-step.txt'))).toBe(true);
  });

  it('applies --variable over pipeline values and --branch to conditions', async () => {
    const repo = repository({
      'azure-pipelines.yml': [
        'variables:',
        '  greeting: from-yaml',
        'stages:',
        '- stage: Always',
        '  jobs:',
        '  - job: Show',
        '    steps:',
        '    - script: echo "greeting=$(greeting)"',
        '- stage: MainOnly',
        "  condition: and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))",
        '  jobs:',
        '  - job: Publish',
        '    steps:',
        '    - script: echo publishing',
        '',
      ].join('\n'),
    });

    const onFeature = await runJson(repo, ['--variable', 'greeting=from-cli', '--branch', 'feature/x']);
    expect(onFeature.code).toBe(0);
    const lines = onFeature.events.filter((event) => event.type === 'log').map((event) => event.line);
    expect(lines).toContain('greeting=from-cli');
    const mainOnly = onFeature.summary.stages.find((stage) => stage.name === 'MainOnly')!;
    expect(mainOnly.result).toBe('skipped');
    expect(mainOnly.reason).toMatch(/condition/i);

    const onMain = await runJson(repo);
    expect(onMain.summary.stages.find((stage) => stage.name === 'MainOnly')!.result).toBe('succeeded');
  });

  it('names matrix legs and runs each', async () => {
    const repo = repository({
      'azure-pipelines.yml': [
        'jobs:',
        '- job: Tests',
        '  strategy:',
        '    matrix:',
        '      py311:',
        "        python.version: '3.11'",
        '      py312:',
        "        python.version: '3.12'",
        '  steps:',
        '  - script: echo "leg $(Agent.JobName) wants $(python.version) as $PYTHON_VERSION"',
        '',
      ].join('\n'),
    });
    const { code, summary, events } = await runJson(repo);

    expect(code).toBe(0);
    const jobs = summary.stages[0]!.jobs;
    expect(jobs).toHaveLength(2);
    expect(jobs.map((job) => job.displayName).sort()).toEqual(['Tests py311', 'Tests py312']);
    const lines = events.filter((event) => event.type === 'log').map((event) => event.line);
    expect(lines).toContain('leg py311 wants 3.11 as 3.11');
    expect(lines).toContain('leg py312 wants 3.12 as 3.12');
  });

  it('passes a variable set by a logging command to the next step', async () => {
    const repo = repository({
      'azure-pipelines.yml': "steps:\n- bash: echo '##vso[task.setvariable variable=wheelName]demo-1.0.whl'\n- bash: echo \"got $(wheelName) and $WHEELNAME\"\n",
    });
    const { code, events } = await runJson(repo);

    expect(code).toBe(0);
    const lines = events.filter((event) => event.type === 'log').map((event) => event.line);
    expect(lines).toContain('got demo-1.0.whl and demo-1.0.whl');
  });

  it('exits 130 and reports canceled steps on SIGINT', async () => {
    const repo = repository({ 'azure-pipelines.yml': "steps:\n- bash: echo started; sleep 30\n  displayName: Sleeper\n- script: echo after\n  displayName: After\n" });
    let signalled = false;
    const result = await runSluice(['run', '--output', 'json', '--work-dir', `${repo.path}-work`], {
      cwd: repo.path,
      onStdout: (text, child) => {
        if (!signalled && text.includes('"started"')) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
    });
    const events = parseJsonLines(result.stdout);
    const summary = events[events.length - 1] as unknown as Summary;

    expect(signalled).toBe(true);
    expect(result.code).toBe(130);
    expect(summary.result).toBe('canceled');
    const steps = summary.stages[0]!.jobs[0]!.steps;
    expect(steps.find((step) => step.displayName === 'Sleeper')!.result).toBe('canceled');
    expect(steps.find((step) => step.displayName === 'After')!.result).not.toBe('succeeded');
  });

  it('shows plain prefixed lines when not on a terminal', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'jobs:\n- job: Alpha\n  steps:\n  - script: echo alpha-out\n' });
    const result = await runSluice(['run', '--work-dir', `${repo.path}-work`], { cwd: repo.path });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[[^\]]*Alpha[^\]]*\] alpha-out/);
    expect(result.stdout).toMatch(/Run succeeded/);
  });
});

describe('sluice run selection', () => {
  const pipeline = [
    'stages:',
    '- stage: Build',
    '  jobs:',
    '  - job: Compile',
    '    steps:',
    '    - script: echo compile',
    '- stage: Test',
    '  jobs:',
    '  - job: Unit',
    '    steps:',
    '    - script: echo unit',
    '  - job: Lint',
    '    steps:',
    '    - script: echo lint',
    '',
  ].join('\n');

  it('runs a stage with the stages it depends on', async () => {
    const repo = repository({ 'azure-pipelines.yml': pipeline });
    const { code, summary } = await runJson(repo, ['--stage', 'Test']);

    expect(code).toBe(0);
    expect(summary.stages.map((stage) => stage.name)).toEqual(['Build', 'Test']);
  });

  it('runs only the stage with --no-deps', async () => {
    const repo = repository({ 'azure-pipelines.yml': pipeline });
    const { code, summary } = await runJson(repo, ['--stage', 'Test', '--no-deps']);

    expect(code).toBe(0);
    expect(summary.stages.map((stage) => stage.name)).toEqual(['Test']);
  });

  it('runs one job', async () => {
    const repo = repository({ 'azure-pipelines.yml': pipeline });
    const { code, summary } = await runJson(repo, ['--job', 'Lint', '--no-deps']);

    expect(code).toBe(0);
    const jobs = summary.stages.flatMap((stage) => stage.jobs.filter((job) => job.result !== 'skipped').map((job) => job.name));
    expect(jobs).toEqual(['Lint']);
  });

  it('rejects an unknown stage name with exit 2, listing valid names', async () => {
    const repo = repository({ 'azure-pipelines.yml': pipeline });
    const result = await runSluice(['run', '--stage', 'Deploy'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Deploy/);
    expect(result.stderr).toMatch(/Build/);
  });
});

describe('sluice run with invalid input', () => {
  it('prints every error with position and caret, exits 2, runs nothing', async () => {
    const repo = repository({
      'azure-pipelines.yml': [
        'steps:',
        '- script: touch ran.txt',
        '  displayNme: Typo',
        '- script: echo two',
        '  condition: eq(1,',
        '',
      ].join('\n'),
    });
    const result = await runSluice(['run', '--in-place', '--work-dir', `${repo.path}-work`], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:3:3: error [A-Z]+\d+/);
    expect(result.stderr).toMatch(/displayNme/);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:5:\d+: error EXPR\d+/);
    expect(result.stderr).toMatch(/\n\s*\d+ \|   displayNme: Typo\n\s*\|   \^~+\n/);
    expect(existsSync(join(repo.path, 'ran.txt'))).toBe(false);
  });

  it('reports malformed YAML with its position', async () => {
    const repo = repository({ 'azure-pipelines.yml': "steps:\n- script: 'unterminated\n" });
    const result = await runSluice(['run'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:2:\d+: error YAML\d+/);
  });

  it('reports a dependsOn cycle with its position', async () => {
    const repo = repository({
      'azure-pipelines.yml': 'jobs:\n- job: A\n  dependsOn: B\n  steps:\n  - script: echo a\n- job: B\n  dependsOn: A\n  steps:\n  - script: echo b\n',
    });
    const result = await runSluice(['run'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:\d+:\d+: error PLAN\d+/);
    expect(result.stderr).toMatch(/cycle/i);
  });

  it('rejects a task it cannot run before anything starts', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: touch ran.txt\n- task: AzureWebApp@1\n  inputs:\n    appName: x\n' });
    const result = await runSluice(['run', '--in-place'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:3:3: error VAL003/);
    expect(result.stderr).toMatch(/AzureWebApp/);
    expect(existsSync(join(repo.path, 'ran.txt'))).toBe(false);
  });

  it('rejects a task no runner knows, naming it and its position', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: touch ran.txt\n- task: NoSuchTask@3\n' });
    const result = await runSluice(['run', '--in-place'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:3:3: error CLI001: task 'NoSuchTask@3'/);
    expect(existsSync(join(repo.path, 'ran.txt'))).toBe(false);
  });

  it('rejects a malformed --variable with exit 2', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo hi\n' });
    const result = await runSluice(['run', '--variable', 'novalue'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--variable 'novalue'/);
  });

  it('gives each job of a run its own workspace', async () => {
    const repo = repository({
      'azure-pipelines.yml': 'jobs:\n- job: A\n  steps:\n  - script: echo "$(Pipeline.Workspace)" > "$(Build.ArtifactStagingDirectory)/where.txt"\n- job: B\n  dependsOn: A\n  steps:\n  - script: ls "$(Build.ArtifactStagingDirectory)"\n',
    });
    const { code, summary, events } = await runJson(repo);
    expect(code).toBe(0);
    const [a, b] = summary.stages[0]!.jobs;
    expect(a!.variables?.['Pipeline.Workspace']).toMatch(/[/\\]1$/);
    expect(b!.variables?.['Pipeline.Workspace']).toMatch(/[/\\]2$/);
    // Job A's workspace is kept after the run, and job B did not see its staged file.
    expect(existsSync(join(a!.variables!['Build.ArtifactStagingDirectory']!, 'where.txt'))).toBe(true);
    const linesOfB = events.filter((event) => event.type === 'log' && String(event.recordId).startsWith('__default.B.')).map((event) => event.line);
    expect(linesOfB.length).toBeGreaterThan(0);
    expect(linesOfB).not.toContain('where.txt');
  });

  it('keeps the parsed pipeline between runs and parses it again when it changes', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo first\n  displayName: Say\n' });
    const workDir = join(repo.path, '..', `${repo.path.split('/').pop()}-work`);
    expect((await runJson(repo)).code).toBe(0);
    const cacheFolder = join(workDir, 'parsed-yaml');
    const [entry] = readdirSync(cacheFolder);
    expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);

    // A run of the unchanged file reads the entry: an edited entry shows in the run.
    const path = join(cacheFolder, entry!);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"text":"Say"', '"text":"From the cache"'));
    const cached = await runJson(repo);
    expect(cached.summary.stages[0]!.jobs[0]!.steps.map((step) => step.displayName)).toContain('From the cache');

    // A changed file is parsed again.
    writeFileSync(join(repo.path, 'azure-pipelines.yml'), 'steps:\n- script: echo second\n  displayName: Changed\n');
    const changed = await runJson(repo);
    expect(changed.summary.stages[0]!.jobs[0]!.steps.map((step) => step.displayName)).toContain('Changed');
    expect(readdirSync(cacheFolder)).toHaveLength(2);
  });

  it('keeps run folders private', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo "$(token)" > /dev/null\n' });
    const { code, summary } = await runJson(repo, ['--secret', 'token=s3cret-value']);
    expect(code).toBe(0);
    const workspace = summary.stages[0]!.jobs[0]!.variables!['Pipeline.Workspace']!;
    const runFolder = dirname(workspace);
    expect(statSync(runFolder).mode & 0o777).toBe(0o700);
    // The step's script, with the secret expanded, lies inside it.
    const scripts = readdirSync(join(runFolder, '_temp'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(0);
  });
});
