import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { bash, cleanupTempDirs, makeRequest, runJob, variable } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

const PRINT = bash('echo "$(Agent.Name)|$AGENT_NAME|$(Agent.MachineName)|$(System.JobAttempt)|$SYSTEM_JOBATTEMPT"');

describe('LocalJobRunner agent facts', () => {
  it('sets Agent.Name from the agentName option', async () => {
    const run = await runJob(makeRequest([PRINT]), { agentName: 'builder-7' });
    expect(run.lines(1)).toEqual([`builder-7|builder-7|${hostname()}|1|1`]);
  });

  it('falls back to the host name without an agent name', async () => {
    const run = await runJob(makeRequest([PRINT]));
    expect(run.lines(1)).toEqual([`${hostname()}|${hostname()}|${hostname()}|1|1`]);
  });

  it('keeps the System.JobAttempt the request carries', async () => {
    const run = await runJob(makeRequest([PRINT], { variables: { 'system.jobattempt': variable('3', false, true) } }), { agentName: 'a' });
    expect(run.lines(1)).toEqual([`a|a|${hostname()}|3|3`]);
  });

  it('ignores a System.JobAttempt that is not a whole number from 1', async () => {
    const run = await runJob(makeRequest([PRINT], { variables: { 'System.JobAttempt': variable('0') } }), { agentName: 'a' });
    expect(run.lines(1)).toEqual([`a|a|${hostname()}|1|1`]);
  });
});
