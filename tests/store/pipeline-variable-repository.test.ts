import { describe, expect, it } from 'vitest';
import { PipelineVariableRepository } from '../../src/store/pipeline-variable-repository.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { isStoreError } from '../../src/store/store-error.js';
import { DIALECTS, TEST_SECRET_KEY, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();
const SECRET = 'store-secret-a81c44';

describe.each(DIALECTS)('pipeline variables on %s', (dialect) => {
  async function open() {
    const store = await (await databases.create(dialect)).open();
    const pipeline = await store.pipelines.create({ name: 'widget', repositoryUrl: 'https://example.invalid/widget.git' });
    return { store, pipelineId: pipeline.id, variables: new PipelineVariableRepository(store, new SecretBox(TEST_SECRET_KEY)) };
  }

  it('round-trips secret and plain values', async () => {
    const { store, pipelineId, variables } = await open();

    await variables.set(pipelineId, { name: 'apiKey', value: SECRET, isSecret: true });
    await variables.set(pipelineId, { name: 'Region', value: 'eu-west', allowOverride: true });
    // A second set of the same name in another case replaces the first.
    await variables.set(pipelineId, { name: 'region', value: 'us-east', allowOverride: true });

    expect(await variables.values(pipelineId)).toEqual([
      { name: 'apiKey', value: SECRET, isSecret: true, allowOverride: false },
      { name: 'region', value: 'us-east', isSecret: false, allowOverride: true },
    ]);
    const rows = await store.db.withTables<{ pipeline_variables: { value_sealed: string | null; value: string | null } }>().selectFrom('pipeline_variables').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it('deletes the rows of a deleted pipeline', async () => {
    const { store, pipelineId, variables } = await open();
    await variables.set(pipelineId, { name: 'apiKey', value: SECRET, isSecret: true });

    await store.pipelines.delete(pipelineId);

    expect(await variables.list(pipelineId)).toEqual([]);
  });

  it('rejects an over-long value without echoing it', async () => {
    const { pipelineId, variables } = await open();
    const long = 'x'.repeat(70_000);

    const error = await variables.set(pipelineId, { name: 'big', value: long, isSecret: true }).catch((caught: unknown) => caught);

    expect(isStoreError(error, 'STORE017')).toBe(true);
    expect((error as Error).message).not.toContain('xxxxxxxx');
  });
});
