import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadStep, PublishStep, StepDefinition } from '../../../src/language/pipeline/pipeline-model.js';
import { withAutomaticDownload } from '../../../src/runner/tasks/deployment-download.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep, variable } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

const LOCATION = { file: 'azure-pipelines.yml', line: 1, column: 1 };
const COMMON = { continueOnError: false, enabled: true, env: {}, timeoutInMinutes: 0, retryCountOnTaskFailure: 0, location: LOCATION };

function publish(path: string, artifact?: string): PublishStep {
  return { type: 'publish', path, artifact, ...COMMON };
}

function download(source: string, artifact?: string, patterns?: string): DownloadStep {
  return { type: 'download', source, artifact, patterns, ...COMMON };
}

describe('publish and download shortcuts', () => {
  it('pass artifacts between jobs of a run', async () => {
    const store = join(makeTempDir(), 'artifacts');
    const producer = await runJob(
      makeRequest([bash('mkdir -p dist/sub && echo wheel > dist/app.whl && echo doc > dist/sub/readme.txt'), publish('dist', 'drop'), publish('dist/app.whl', 'single')], { artifactStoreRoot: store }),
    );
    expect(producer.outcome.result).toBe('succeeded');

    const consumer = await runJob(
      makeRequest([download('current', 'drop'), bash('cat "$PIPELINE_WORKSPACE/drop/app.whl" "$PIPELINE_WORKSPACE/drop/sub/readme.txt"'), download('current', 'single', '*.whl'), bash('ls "$PIPELINE_WORKSPACE/single"')], {
        artifactStoreRoot: store,
      }),
    );
    expect(consumer.outcome.result).toBe('succeeded');
    expect(consumer.lines(2)).toEqual(['wheel', 'doc']);
    expect(consumer.lines(4)).toEqual(['app.whl']);
  });

  it('downloads every artifact into its own folder', async () => {
    const store = join(makeTempDir(), 'artifacts');
    await runJob(makeRequest([bash('echo a > a.txt && echo b > b.txt'), publish('a.txt', 'alpha'), publish('b.txt', 'beta')], { artifactStoreRoot: store }));
    const run = await runJob(makeRequest([download('current'), bash('cat "$PIPELINE_WORKSPACE/alpha/a.txt" "$PIPELINE_WORKSPACE/beta/b.txt"')], { artifactStoreRoot: store }));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['a', 'b']);
  });

  it('rejects publishing a name twice', async () => {
    const run = await runJob(makeRequest([bash('echo x > x.txt'), publish('x.txt', 'same'), publish('x.txt', 'same')], { artifactStoreRoot: join(makeTempDir(), 'artifacts') }));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(2)?.result).toBe('succeeded');
    expect(run.events.find((event) => event.type === 'issue' && event.issueType === 'error')).toMatchObject({ code: 'RUN021' });
    expect(run.finished(3)?.reason).toContain('ART005');
  });

  it('fails to download a missing artifact', async () => {
    const run = await runJob(makeRequest([download('current', 'nothing')], { artifactStoreRoot: join(makeTempDir(), 'artifacts') }));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('ART006');
  });

  it('rejects pipeline resource downloads', async () => {
    const run = await runJob(makeRequest([download('upstream', 'drop')]));

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN013' });
  });

  it('defaults the store under the work root', async () => {
    const workRoot = makeTempDir();
    const run = await runJob(makeRequest([bash('echo x > x.txt'), publish('x.txt', 'kept')], { workRoot }));

    expect(run.outcome.result).toBe('succeeded');
    expect(readdirSync(join(workRoot, 'artifacts', 'artifacts'))).toEqual(['kept.json']);
  });
});

describe('artifact tasks', () => {
  it('PublishBuildArtifacts and DownloadBuildArtifacts use drop folders', async () => {
    const store = join(makeTempDir(), 'artifacts');
    const target = makeTempDir();
    const producer = await runJob(
      makeRequest([bash('mkdir -p "$BUILD_ARTIFACTSTAGINGDIRECTORY/bin" && echo exe > "$BUILD_ARTIFACTSTAGINGDIRECTORY/bin/app" && echo log > "$BUILD_ARTIFACTSTAGINGDIRECTORY/build.log"'), taskStep('PublishBuildArtifacts', '1', {})], {
        artifactStoreRoot: store,
      }),
    );
    expect(producer.outcome.result).toBe('succeeded');

    const consumer = await runJob(makeRequest([taskStep('DownloadBuildArtifacts', '0', { artifactName: 'drop', itemPattern: 'drop/bin/**', downloadPath: target })], { artifactStoreRoot: store }));
    expect(consumer.outcome.result).toBe('succeeded');
    expect(readFileSync(join(target, 'drop', 'bin', 'app'), 'utf8')).toBe('exe\n');
    expect(readdirSync(join(target, 'drop'))).toEqual(['bin']);
  });

  it('DownloadPipelineArtifact@2 applies itemPattern and targetPath', async () => {
    const store = join(makeTempDir(), 'artifacts');
    const target = makeTempDir();
    await runJob(makeRequest([bash('mkdir -p out && echo 1 > out/a.py && echo 2 > out/b.txt'), taskStep('PublishPipelineArtifact', '1', { targetPath: 'out', artifact: 'code' })], { artifactStoreRoot: store }));
    const run = await runJob(
      makeRequest([taskStep('DownloadPipelineArtifact', '2', { buildType: 'current', artifactName: 'code', itemPattern: '**/*.py', targetPath: target }, { name: 'fetch' })], {
        artifactStoreRoot: store,
        variables: { 'Build.BuildId': variable('417') },
      }),
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(readdirSync(target)).toEqual(['a.py']);
    expect(run.outcome.outputs['fetch.BuildNumber']).toBe('417');
  });

  it('PublishPipelineArtifact copies to a file share', async () => {
    const share = makeTempDir();
    const run = await runJob(makeRequest([bash('mkdir -p out && echo s > out/s.txt'), taskStep('PublishPipelineArtifact', '1', { targetPath: 'out', artifact: 'shared', publishLocation: 'filepath', fileSharePath: share })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(readFileSync(join(share, 'shared', 's.txt'), 'utf8')).toBe('s\n');
  });

  it('DownloadPipelineArtifact rejects other runs', async () => {
    const run = await runJob(makeRequest([taskStep('DownloadPipelineArtifact', '2', { source: 'specific', artifact: 'x' })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("artifacts of other pipeline runs ('specific')");
  });
});

describe('deployment automatic download', () => {
  const deployStep = bash('ls "$PIPELINE_WORKSPACE/web"');

  it('adds a download before the deploy steps', () => {
    const steps = withAutomaticDownload([deployStep], LOCATION);

    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatchObject({ type: 'download', source: 'current' });
    expect(steps[1]).toBe(deployStep);
  });

  it('adds nothing when the hook has download none', () => {
    const steps: StepDefinition[] = [download('none'), deployStep];

    expect(withAutomaticDownload(steps, LOCATION)).toEqual(steps);
  });

  it('downloads the run artifacts in a deploy job', async () => {
    const store = join(makeTempDir(), 'artifacts');
    await runJob(makeRequest([bash('echo site > index.html'), publish('index.html', 'web')], { artifactStoreRoot: store }));
    const run = await runJob(makeRequest(withAutomaticDownload([deployStep], LOCATION), { artifactStoreRoot: store }));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['index.html']);
    expect(run.events.find((event) => event.type === 'record-started' && event.record.id.endsWith('.1'))).toMatchObject({ record: { displayName: 'Download artifacts' } });
  });
});
