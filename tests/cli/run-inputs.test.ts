import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { parseJsonLines, runSluice } from '../helpers/run-sluice.js';

const repositories: TempRepository[] = [];
afterEach(() => {
  while (repositories.length > 0) repositories.pop()!.remove();
});

function repository(files: Record<string, string>): TempRepository {
  const created = createTempRepository(files);
  repositories.push(created);
  return created;
}

const SECRET_PIPELINE = [
  'steps:',
  '- bash: |',
  '    echo "unmapped=${API_TOKEN:-absent}"',
  '    echo "mapped=$MAPPED"',
  '    echo "macro=$(API_TOKEN)"',
  '  env:',
  '    MAPPED: $(API_TOKEN)',
  '',
].join('\n');

describe('sluice run secrets', () => {
  it('keeps a --secret out of the environment unless mapped, and masks it', async () => {
    const repo = repository({ 'azure-pipelines.yml': SECRET_PIPELINE });
    const result = await runSluice(['run', '--output', 'json', '--work-dir', `${repo.path}-work`, '--secret', 'API_TOKEN=hunter2-secret'], { cwd: repo.path });

    expect(result.code).toBe(0);
    const lines = parseJsonLines(result.stdout)
      .filter((event) => event.type === 'log')
      .map((event) => event.line);
    expect(lines).toContain('unmapped=absent');
    expect(lines).toContain('mapped=***');
    expect(lines).toContain('macro=***');
    expect(result.stdout).not.toContain('hunter2-secret');
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it('reads secrets from a file and from the environment', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- bash: echo "a=$A b=$B"\n  env:\n    A: $(FILE_SECRET)\n    B: $(ENV_SECRET)\n' });
    const secretsFile = join(`${repo.path}-secrets.env`);
    writeFileSync(secretsFile, '# local secrets\nFILE_SECRET=from-file-value\n');
    const result = await runSluice(['run', '--output', 'json', '--work-dir', `${repo.path}-work`, '--secrets-file', secretsFile, '--secret', 'ENV_SECRET'], {
      cwd: repo.path,
      env: { ENV_SECRET: 'from-env-value' },
    });

    expect(result.code).toBe(0);
    const lines = parseJsonLines(result.stdout)
      .filter((event) => event.type === 'log')
      .map((event) => event.line);
    expect(lines).toContain('a=*** b=***');
    expect(result.stdout).not.toContain('from-file-value');
    expect(result.stdout).not.toContain('from-env-value');
  });

  it('rejects --secret NAME when the environment lacks NAME', async () => {
    const repo = repository({ 'azure-pipelines.yml': SECRET_PIPELINE });
    const result = await runSluice(['run', '--secret', 'NOT_SET_ANYWHERE'], { cwd: repo.path, env: { NOT_SET_ANYWHERE: undefined } });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/CLI003.*NOT_SET_ANYWHERE/);
  });
});

describe('sluice run test results', () => {
  it('shows test counts and failed tests per job', async () => {
    const junit = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<testsuites><testsuite name="pytest" tests="3" failures="1" skipped="1">',
      '<testcase classname="tests.test_math" name="test_add" time="0.01"/>',
      '<testcase classname="tests.test_math" name="test_div" time="0.02"><failure message="ZeroDivisionError: division by zero">trace</failure></testcase>',
      '<testcase classname="tests.test_math" name="test_skip" time="0"><skipped/></testcase>',
      '</testsuite></testsuites>',
    ].join('\n');
    const repo = repository({
      'azure-pipelines.yml': [
        'steps:',
        "- bash: cp junit.xml '$(Common.TestResultsDirectory)/TEST-math.xml'",
        '- task: PublishTestResults@2',
        '  inputs:',
        '    testResultsFormat: JUnit',
        "    testResultsFiles: '**/TEST-*.xml'",
        '    searchFolder: $(Common.TestResultsDirectory)',
        '',
      ].join('\n'),
      'junit.xml': junit,
    });
    const result = await runSluice(['run', '--work-dir', `${repo.path}-work`], { cwd: repo.path });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/tests in .*: 1 passed, 1 failed, 1 skipped \(3 total\)/);
    expect(result.stdout).toMatch(/✗ .*test_div: ZeroDivisionError: division by zero/);
  });
});

describe('sluice run repositories', () => {
  it('refuses a checkout of a repository resource with no local path', async () => {
    const repo = repository({
      'azure-pipelines.yml': 'resources:\n  repositories:\n  - repository: tools\n    type: git\n    name: team/tools\nsteps:\n- checkout: self\n- checkout: tools\n',
    });
    const result = await runSluice(['run'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:8:3: error PLAN016/);
    expect(result.stderr).toMatch(/--repository tools=/);
  });
});

describe('sluice run trigger and variable groups', () => {
  it('applies --reason PullRequest with the pull request variables', async () => {
    const repo = repository({
      'azure-pipelines.yml': [
        'steps:',
        '- bash: echo "reason=$(Build.Reason) pr=$(System.PullRequest.PullRequestNumber) branch=$(Build.SourceBranch)"',
        "  condition: eq(variables['Build.Reason'], 'PullRequest')",
        '',
      ].join('\n'),
    });
    const result = await runSluice(['run', '--output', 'json', '--work-dir', `${repo.path}-work`, '--reason', 'PullRequest', '--branch', 'refs/pull/5/merge'], { cwd: repo.path });

    expect(result.code).toBe(0);
    const lines = parseJsonLines(result.stdout)
      .filter((event) => event.type === 'log')
      .map((event) => event.line);
    expect(lines).toContain('reason=PullRequest pr=5 branch=refs/pull/5/merge');
  });

  it('takes a variable group from a file and masks its secret', async () => {
    const repo = repository({
      'azure-pipelines.yml': 'variables:\n- group: deploy-settings\nsteps:\n- bash: echo "user=$(deployUser) pass=$PASS"\n  env:\n    PASS: $(dbPassword)\n',
    });
    const groupFile = `${repo.path}-group.yml`;
    writeFileSync(groupFile, 'deployUser: ci-bot\ndbPassword:\n  value: group-secret-value\n  isSecret: true\n');
    const result = await runSluice(['run', '--output', 'json', '--work-dir', `${repo.path}-work`, '--variable-group', `deploy-settings=${groupFile}`], { cwd: repo.path });

    expect(result.code).toBe(0);
    const lines = parseJsonLines(result.stdout)
      .filter((event) => event.type === 'log')
      .map((event) => event.line);
    expect(lines).toContain('user=ci-bot pass=***');
    expect(result.stdout).not.toContain('group-secret-value');
  });

  it('refuses a group with no local values, naming the option', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'variables:\n- group: deploy-settings\nsteps:\n- script: echo hi\n' });
    const result = await runSluice(['run'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error VAL001/);
    expect(result.stderr).toMatch(/--variable-group deploy-settings=/);
  });
});
