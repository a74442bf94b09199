import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bash, cleanupTempDirs, condition, git, makeGitRepo, makeRequest, makeTempDir, runJob, writeFiles } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i += 1) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('LocalJobRunner conditions', () => {
  it('sees Agent.JobStatus so far and runs always() after a failure', async () => {
    const run = await runJob(
      makeRequest([
        bash('echo "status:$AGENT_JOBSTATUS"'),
        bash('exit 1'),
        bash('echo skipped-by-default'),
        bash('echo "failed-branch:$(Agent.JobStatus)"', { condition: condition('failed()') }),
        bash('echo "always:$AGENT_JOBSTATUS"', { condition: condition('always()') }),
        bash('echo eq', { condition: condition("eq(variables['Agent.JobStatus'], 'Failed')") }),
      ]),
    );
    expect(run.lines(1)).toEqual(['status:Succeeded']);
    expect(run.finished(3)?.result).toBe('skipped');
    expect(run.finished(3)?.reason).toContain("'succeeded()' evaluated to false");
    expect(run.lines(4)).toEqual(['failed-branch:Failed']);
    expect(run.lines(5)).toEqual(['always:Failed']);
    expect(run.lines(6)).toEqual(['eq']);
    expect(run.outcome.result).toBe('failed');
  });

  it('succeededWithIssues still counts as succeeded()', async () => {
    const run = await runJob(makeRequest([bash('exit 2', { continueOnError: true }), bash('echo "$AGENT_JOBSTATUS"')]));
    expect(run.lines(2)).toEqual(['SucceededWithIssues']);
  });

  it('reads variables in conditions', async () => {
    const run = await runJob(
      makeRequest([bash('echo "##vso[task.setvariable variable=deploy]yes"'), bash('echo go', { condition: condition("and(succeeded(), eq(variables.deploy, 'yes'))") })]),
    );
    expect(run.lines(2)).toEqual(['go']);
  });

  it('fails a step whose condition is invalid', async () => {
    const run = await runJob(makeRequest([bash('echo x', { condition: condition('eq(1,') })]));
    expect(run.finished(1)?.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('could not be evaluated');
  });
});

describe('LocalJobRunner timeouts and cancel', () => {
  it('step timeout kills the whole process group, grandchild included', async () => {
    const dir = makeTempDir();
    const pidFile = join(dir, 'grandchild.pid');
    // The grandchild is a separate bash process that would outlive its parent without a group kill.
    const script = `bash -c 'echo $$ > ${pidFile}; sleep 30' &\nwait`;
    const run = await runJob(makeRequest([bash(script, { timeoutInMinutes: 0.01 }), bash('echo after')]));

    expect(run.finished(1)?.result).toBe('failed');
    expect(run.finished(1)?.reason).toBe('timed out after 0.01 minutes');
    expect(run.finished(2)?.result).toBe('skipped');
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await waitUntil(() => !isAlive(grandchild))).toBe(true);
  });

  it('cancel stops the step, skips the rest and runs always()', async () => {
    const dir = makeTempDir();
    const marker = join(dir, 'started');
    const controller = new AbortController();
    const request = makeRequest([
      bash(`touch ${marker}; sleep 30`),
      bash('echo not-run'),
      bash('echo cleanup:$AGENT_JOBSTATUS', { condition: condition('always()') }),
      bash('echo on-cancel', { condition: condition('canceled()') }),
    ]);
    const running = runJob(request, {}, controller.signal);
    expect(await waitUntil(() => existsSync(marker), 250)).toBe(true);
    controller.abort();
    const run = await running;

    expect(run.outcome.result).toBe('canceled');
    expect(run.finished(1)?.result).toBe('canceled');
    expect(run.finished(2)?.result).toBe('skipped');
    expect(run.lines(3)).toEqual(['cleanup:Canceled']);
    expect(run.lines(4)).toEqual(['on-cancel']);
  });

  it('cancel sends SIGKILL after the cancel timeout when SIGINT is ignored', async () => {
    const dir = makeTempDir();
    const marker = join(dir, 'started');
    const controller = new AbortController();
    const request = makeRequest([bash(`trap '' INT; touch ${marker}; sleep 30 & wait; sleep 30`)], { cancelTimeoutInMinutes: 0.005 });
    const running = runJob(request, {}, controller.signal);
    expect(await waitUntil(() => existsSync(marker), 250)).toBe(true);
    controller.abort();
    const run = await running;
    expect(run.finished(1)?.result).toBe('canceled');
  });

  it('job timeout cancels the job with a reason', async () => {
    const run = await runJob(makeRequest([bash('sleep 30'), bash('echo final', { condition: condition('always()') })], { timeoutInMinutes: 0.01 }));
    expect(run.outcome.result).toBe('canceled');
    expect(run.outcome.reason).toBe('the job timed out after 0.01 minutes');
    expect(run.lines(2)).toEqual(['final']);
  });
});

describe('LocalJobRunner checkout', () => {
  it('implicit checkout copies the work tree without writing into it', async () => {
    const repo = makeGitRepo({ '.gitignore': '*.tmp\n', 'app.txt': 'committed\n' });
    writeFiles(repo, { 'new.txt': 'uncommitted\n', 'junk.tmp': 'ignored\n' });
    const statusBefore = git(repo, 'status', '--porcelain', '--ignored');
    const run = await runJob(
      makeRequest([bash('cat new.txt; ls junk.tmp 2>/dev/null || echo no-junk; echo written > made-by-step.txt; pwd')], {
        source: { path: repo, inPlace: false },
        implicitCheckout: true,
      }),
    );

    expect(run.finished(0)?.result).toBe('succeeded');
    const [content, junk, cwd] = run.lines(1);
    expect(content).toBe('uncommitted');
    expect(junk).toBe('no-junk');
    expect(cwd).toMatch(/\/1\/s$/);
    expect(existsSync(join(repo, 'made-by-step.txt'))).toBe(false);
    expect(git(repo, 'status', '--porcelain', '--ignored')).toBe(statusBefore);
  });

  it('inPlace runs in the checkout itself', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const run = await runJob(makeRequest([bash('pwd; echo $BUILD_SOURCESDIRECTORY')], { source: { path: repo, inPlace: true }, implicitCheckout: true }));
    expect(run.lines(1)).toEqual([repo, repo]);
  });

  it('checkout: none copies nothing', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const step = { ...bash(''), type: 'checkout' as const, repository: 'none' };
    const { script: _script, failOnStderr: _f, ...checkoutNone } = step;
    const run = await runJob(makeRequest([checkoutNone, bash('ls -A | wc -l')], { source: { path: repo, inPlace: false }, implicitCheckout: true }));
    expect(run.finished(1)?.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['0']);
  });

  it('deployment jobs have no implicit checkout', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const run = await runJob(makeRequest([bash('ls -A | wc -l')], { source: { path: repo, inPlace: false }, implicitCheckout: false }));
    expect(run.finished(0)).toBeUndefined();
    expect(run.lines(1)).toEqual(['0']);
  });
});
