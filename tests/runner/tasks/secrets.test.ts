import { afterEach, describe, expect, it } from 'vitest';
import { bash, cleanupTempDirs, makeRequest, runJob, taskStep, variable } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

const SECRET = 'Zq7-very-secret-value';

describe('secrets in jobs', () => {
  it('stay out of the environment unless mapped', async () => {
    const request = makeRequest(
      [
        bash('env | grep -c "Zq7-very" || true; echo "direct=${API_KEY-unset}"'),
        bash('test "$MAPPED" = "Zq7-very-secret-value" && echo mapped-ok', { env: { MAPPED: '$(api.key)' } }),
      ],
      { variables: { 'api.key': variable(SECRET, true) } },
    );
    const run = await runJob(request);

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['0', 'direct=unset']);
    expect(run.lines(2)).toEqual(['mapped-ok']);
  });

  it('are masked in output and encodings', async () => {
    const request = makeRequest([bash('echo "plain=$S"; printf "%s" "$S" | base64; python3 -c "import urllib.parse,os; print(urllib.parse.quote(os.environ[\'S\'], safe=\'\'))"', { env: { S: '$(token)' } })], {
      variables: { token: variable('a/b c=d+secret', true) },
    });
    const run = await runJob(request);

    expect(run.lines(1)).toEqual(['plain=***', '***', '***']);
  });

  it('are masked in logging-command values and issues', async () => {
    const request = makeRequest(
      [
        bash('echo "##vso[task.setvariable variable=copy]prefix-$S"; echo "##vso[task.logissue type=warning]leaked $S"', { env: { S: '$(token)' } }),
        // The value is computed, so only the output (not the logged script text) contains it.
        bash('v=$(printf "fresh-%s-42" Secret); echo "##vso[task.setvariable variable=newSecret;issecret=true]$v"; echo "after $v"'),
      ],
      { variables: { token: variable(SECRET, true) } },
    );
    const run = await runJob(request);
    const text = JSON.stringify(run.events);

    expect(run.outcome.result).toBe('succeeded');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('fresh-Secret-42');
    expect(run.events.some((event) => event.type === 'variable-set' && event.name === 'copy' && event.value === 'prefix-***')).toBe(true);
    expect(run.events.some((event) => event.type === 'issue' && event.message === 'leaked ***')).toBe(true);
    expect(run.outcome.variables.copy).toBe('prefix-***');
    expect(run.outcome.variables.newSecret).toBe('***');
    expect(run.lines(2)).toEqual(['after ***']);
  });

  it('are masked in error text', async () => {
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: '/nonexistent/$(token)', TargetFolder: '/tmp/x' })], { variables: { token: variable(SECRET, true) } }));

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('/nonexistent/***');
    expect(run.finished(1)?.reason).toContain('/nonexistent/***');
    expect(JSON.stringify(run.events)).not.toContain(SECRET);
  });
});
