import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep, writeFiles } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

/** Lists every file under `root` as sorted relative `/` paths. */
function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name), `${prefix}${entry.name}/`);
      else files.push(`${prefix}${entry.name}`);
    }
  };
  walk(root, '');
  return files.sort();
}

describe('CopyFiles@2', () => {
  it('copies matches and honours excludes', async () => {
    const source = makeTempDir();
    const target = makeTempDir();
    writeFiles(source, { 'a.txt': 'a', 'sub/b.txt': 'b', 'sub/c.log': 'c', 'skip/d.txt': 'd', '.hidden.txt': 'h' });
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: source, Contents: '**/*.txt\n!skip/**', TargetFolder: target })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(target)).toEqual(['.hidden.txt', 'a.txt', 'sub/b.txt']);
  });

  it('flattens folders', async () => {
    const source = makeTempDir();
    const target = makeTempDir();
    writeFiles(source, { 'x/one.txt': '1', 'y/z/two.txt': '2' });
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: source, TargetFolder: target, flattenFolders: 'true' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(target)).toEqual(['one.txt', 'two.txt']);
  });

  it('skips existing files unless OverWrite', async () => {
    const source = makeTempDir();
    const target = makeTempDir();
    writeFiles(source, { 'f.txt': 'new' });
    writeFiles(target, { 'f.txt': 'old' });

    const kept = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: source, TargetFolder: target })]));
    expect(kept.outcome.result).toBe('succeeded');
    expect(readFileSync(join(target, 'f.txt'), 'utf8')).toBe('old');
    expect(kept.lines(1).some((line) => line.includes('already exists'))).toBe(true);

    const replaced = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: source, TargetFolder: target, OverWrite: 'true' })]));
    expect(replaced.outcome.result).toBe('succeeded');
    expect(readFileSync(join(target, 'f.txt'), 'utf8')).toBe('new');
  });

  it('cleans the target folder first', async () => {
    const source = makeTempDir();
    const target = makeTempDir();
    writeFiles(source, { 'keep.txt': 'k' });
    writeFiles(target, { 'stale/old.txt': 'o' });
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: source, TargetFolder: target, CleanTargetFolder: 'true' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(target)).toEqual(['keep.txt']);
  });

  it('resolves relative paths and macros', async () => {
    const request = makeRequest([
      bash('mkdir -p out && echo hi > out/report.txt'),
      taskStep('CopyFiles', '2', { SourceFolder: 'out', TargetFolder: '$(Build.ArtifactStagingDirectory)/copied' }),
      bash('cat "$BUILD_ARTIFACTSTAGINGDIRECTORY/copied/report.txt"'),
    ]);
    const run = await runJob(request);

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(3)).toContain('hi');
  });

  it('requires TargetFolder', async () => {
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { Contents: '**' })]));
    const issue = run.events.find((event) => event.type === 'issue' && event.issueType === 'error');

    expect(run.outcome.result).toBe('failed');
    expect(issue).toMatchObject({ code: 'RUN016' });
    expect(run.finished(1)?.reason).toContain("input 'TargetFolder' is required");
  });

  it('reports a missing source folder', async () => {
    const run = await runJob(makeRequest([taskStep('CopyFiles', '2', { SourceFolder: '/nonexistent/sluice-folder', TargetFolder: makeTempDir() })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN018' });
  });
});

describe('DeleteFiles@1', () => {
  it('deletes matching files and folders', async () => {
    const source = makeTempDir();
    writeFiles(source, { 'a.tmp': '', 'b.txt': '', 'build/x.o': '', 'build/y.o': '', '.cache.tmp': '' });
    const run = await runJob(makeRequest([taskStep('DeleteFiles', '1', { SourceFolder: source, Contents: '*.tmp\nbuild' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(source)).toEqual(['.cache.tmp', 'b.txt']);
  });

  it('deletes dot files only when asked', async () => {
    const source = makeTempDir();
    writeFiles(source, { '.cache.tmp': '', 'keep.txt': '' });
    const run = await runJob(makeRequest([taskStep('DeleteFiles', '1', { SourceFolder: source, Contents: '*.tmp', RemoveDotFiles: 'true' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(source)).toEqual(['keep.txt']);
  });

  it('removes the source folder', async () => {
    const parent = makeTempDir();
    const source = join(parent, 'gone');
    writeFiles(source, { 'a.txt': '' });
    const run = await runJob(makeRequest([taskStep('DeleteFiles', '1', { SourceFolder: source, Contents: '**', RemoveSourceFolder: 'true' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(existsSync(source)).toBe(false);
  });

  it('keeps negated matches', async () => {
    const source = makeTempDir();
    writeFiles(source, { 'a.log': '', 'b.log': '', 'important.log': '' });
    const run = await runJob(makeRequest([taskStep('DeleteFiles', '1', { SourceFolder: source, Contents: '*.log\n!important.log' })]));

    expect(run.outcome.result).toBe('succeeded');
    expect(listFiles(source)).toEqual(['important.log']);
  });
});

describe('ArchiveFiles@2 and ExtractFiles@1', () => {
  it('round-trips a zip with the root folder', async () => {
    const root = makeTempDir();
    const app = join(root, 'app');
    writeFiles(app, { 'main.py': 'print(1)', 'pkg/util.py': 'x = 2' });
    const archive = join(makeTempDir(), 'app.zip');
    const out = makeTempDir();
    const run = await runJob(
      makeRequest([
        taskStep('ArchiveFiles', '2', { rootFolderOrFile: app, archiveFile: archive }),
        taskStep('ExtractFiles', '1', { archiveFilePatterns: archive, destinationFolder: out }),
      ]),
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['app/', 'app/main.py', 'app/pkg/', 'app/pkg/util.py']);
    expect(listFiles(out)).toEqual(['app/main.py', 'app/pkg/util.py']);
    expect(readFileSync(join(out, 'app/pkg/util.py'), 'utf8')).toBe('x = 2');
  });

  it('round-trips a tar.gz without the root folder', async () => {
    const root = makeTempDir();
    writeFiles(root, { 'a.txt': 'A', 'd/b.txt': 'B' });
    const archive = join(makeTempDir(), 'out.tar.gz');
    const out = makeTempDir();
    const run = await runJob(
      makeRequest([
        taskStep('ArchiveFiles', '2', { rootFolderOrFile: root, includeRootFolder: 'false', archiveType: 'tar', archiveFile: archive }),
        taskStep('ExtractFiles', '1', { archiveFilePatterns: archive, destinationFolder: out }),
      ]),
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' })).toContain('d/b.txt');
    expect(listFiles(out)).toEqual(['a.txt', 'd/b.txt']);
  });

  it('keeps existing files on extract unless overwriting', async () => {
    const root = makeTempDir();
    writeFiles(root, { 'f.txt': 'from archive' });
    const archive = join(makeTempDir(), 'f.zip');
    execFileSync('zip', ['-q', archive, 'f.txt'], { cwd: root });
    const out = makeTempDir();
    writeFileSync(join(out, 'f.txt'), 'existing');

    const kept = await runJob(makeRequest([taskStep('ExtractFiles', '1', { archiveFilePatterns: archive, destinationFolder: out, cleanDestinationFolder: 'false' })]));
    expect(kept.outcome.result).toBe('succeeded');
    expect(readFileSync(join(out, 'f.txt'), 'utf8')).toBe('existing');

    const replaced = await runJob(makeRequest([taskStep('ExtractFiles', '1', { archiveFilePatterns: archive, destinationFolder: out, cleanDestinationFolder: 'false', overwriteExistingFiles: 'true' })]));
    expect(replaced.outcome.result).toBe('succeeded');
    expect(readFileSync(join(out, 'f.txt'), 'utf8')).toBe('from archive');
  });

  it('rejects 7z with a clear error', async () => {
    const root = makeTempDir();
    mkdirSync(join(root, 'x'));
    const run = await runJob(makeRequest([taskStep('ArchiveFiles', '2', { rootFolderOrFile: root, archiveType: '7z', archiveFile: join(root, 'a.7z') })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("archiveType '7z' is not supported");
  });

  it('rejects an invalid archiveType value', async () => {
    const run = await runJob(makeRequest([taskStep('ArchiveFiles', '2', { rootFolderOrFile: makeTempDir(), archiveType: 'rar', archiveFile: 'a.rar' })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN016' });
    expect(run.finished(1)?.reason).toContain("'rar'");
  });

  it('fails when no archive matches', async () => {
    const run = await runJob(makeRequest([taskStep('ExtractFiles', '1', { archiveFilePatterns: '**/*.zip', destinationFolder: makeTempDir() })]));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('no archive matched');
  });
});
