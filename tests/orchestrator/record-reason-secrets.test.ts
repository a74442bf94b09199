import { describe, expect, it } from 'vitest';
import { job, pipeline, stage } from '../plan/helpers/pipeline-builder.js';
import { runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';

const QUEUE_SECRET = 'queue-secret-1f2e';
const RUN_SECRET = 'pipeline-secret-9a8b';
const GROUP_SECRET = 'group-secret-7c6d';

describe('record reason masking', () => {
  it('masks every kind of secret', async () => {
    const executor = new ScriptedExecutor({
      A: () => ({ result: 'failed', reason: `login as ${QUEUE_SECRET} with ${RUN_SECRET} and ${GROUP_SECRET} refused` }),
    });
    const definition = pipeline([stage('S1', [job('A')])]);

    const { events } = await runDefinition(definition, executor, {
      secrets: { queueToken: QUEUE_SECRET },
      runVariables: { pipelineToken: { value: RUN_SECRET, isSecret: true, readonly: false } },
      variableGroups: { shared: { name: 'shared', variables: {}, secrets: { groupToken: GROUP_SECRET } } },
    });

    const reasons = events.flatMap((event) => (event.type === 'record-finished' && event.reason !== undefined ? [event.reason] : []));
    const jobReason = reasons.find((reason) => reason.startsWith('login as'));
    expect(jobReason).toBe('login as *** with *** and *** refused');
    for (const secret of [QUEUE_SECRET, RUN_SECRET, GROUP_SECRET]) expect(JSON.stringify(events)).not.toContain(secret);
  });
});
