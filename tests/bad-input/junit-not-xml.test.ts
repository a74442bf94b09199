import { afterEach, describe, expect, it } from 'vitest';

import { onlyJob, removeBadRunFolders, runBadPipeline } from './bad-pipeline-run.js';

afterEach(() => removeBadRunFolders());

const WRITE_RESULTS = [
  '- bash: |',
  '    mkdir -p results',
  "    echo '{\"tests\": 3, \"passed\": 3}' > results/TEST-json.xml",
  '    printf \'<testsuite name="ok" tests="1"><testcase classname="a" name="b"/></testsuite>\\n\' > results/TEST-good.xml',
  '  displayName: Write results',
];

describe('a JUnit file that is not XML', () => {
  // PublishTestResults@2 warns about a file it cannot read and publishes the
  // others; it does not fail the step (learn.microsoft.com …/tasks/reference/publish-test-results-v2).
  it('warns with TRS001 at the file and still publishes the valid file', async () => {
    const yaml = [
      'steps:',
      ...WRITE_RESULTS,
      '- task: PublishTestResults@2',
      '  displayName: Publish the results',
      '  inputs:',
      '    testResultsFormat: JUnit',
      "    testResultsFiles: 'results/TEST-*.xml'",
      '',
    ].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml });

    expect(run.code).toBe(0);
    const job = onlyJob(run);
    const publish = job.steps.find((step) => step.displayName === 'Publish the results');
    expect(publish?.result).toBe('succeeded');
    const warnings = run.events.filter((event) => event.type === 'issue' && event.code === 'TRS001');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ issueType: 'warning', line: 1, column: 1 });
    expect(String(warnings[0]!.sourcePath)).toMatch(/\/results\/TEST-json\.xml$/);
    expect(String(warnings[0]!.message)).toMatch(/test results file '.*TEST-json\.xml' is not valid XML/);
    expect(String(warnings[0]!.message)).not.toContain('.;');
    expect(job.testResults).toEqual([expect.objectContaining({ total: 1, passed: 1, failed: 0 })]);
  });

  it('publishes no run when the only file is not XML, and the job still ends', async () => {
    const yaml = [
      'steps:',
      '- bash: |',
      '    mkdir -p results && echo "Tests: 3 passed" > results/TEST-text.xml',
      '  displayName: Write plain text',
      '- task: PublishTestResults@2',
      '  displayName: Publish the results',
      '  inputs:',
      "    testResultsFiles: 'results/TEST-*.xml'",
      '',
    ].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml });

    expect(run.summary, run.stderr).toBeDefined();
    expect(run.code).toBe(0);
    const job = onlyJob(run);
    const warnings = run.events.filter((event) => event.type === 'issue' && event.code === 'TRS001');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.sourcePath)).toMatch(/\/results\/TEST-text\.xml$/);
    expect(job.testResults ?? []).toEqual([]);
  });
});
