import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServiceConnections, parseServiceConnections } from '../../../src/runner/tasks/service-connections.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

const PASSWORD = 'p@ss:w0rd-SECRET';
const TOKEN = 'tok3n-VALUE-xyz';

const CONNECTIONS = JSON.stringify({
  serviceConnections: {
    internal: { url: 'https://pkgs.example.test/org/_packaging/internal/pypi/simple/', parameters: { username: 'alice', password: PASSWORD } },
    upload: { url: 'https://upload.example.test/legacy/', authScheme: 'Token', parameters: { apitoken: TOKEN } },
  },
});

describe('service connections file', () => {
  it('parses connections by lower-case name', () => {
    const loaded = parseServiceConnections(CONNECTIONS, 'conn.json');

    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.connections.get('internal')).toMatchObject({ name: 'internal', id: 'internal', authScheme: 'UsernamePassword', parameters: { username: 'alice' } });
    expect(loaded.connections.get('upload')?.authScheme).toBe('Token');
  });

  it('reports invalid JSON without its text', () => {
    const loaded = parseServiceConnections(`{\n  "serviceConnections": { "a": { "url": "x", "parameters": { "password": "${PASSWORD}" }`, 'conn.json');

    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({ code: 'SVC002', location: { file: 'conn.json' } });
    expect(JSON.stringify(loaded.diagnostics)).not.toContain(PASSWORD);
  });

  it('collects every invalid entry', () => {
    const loaded = parseServiceConnections(JSON.stringify({ serviceConnections: { a: { parameters: {} }, b: 'x', c: { url: 'https://ok.test' } } }), 'conn.json');

    expect(loaded.diagnostics.map((item) => item.code)).toEqual(['SVC003', 'SVC003']);
    expect(loaded.diagnostics[0]?.message).toContain("'a' needs a \"url\"");
    expect([...loaded.connections.keys()]).toEqual(['c']);
  });

  it('reports an unreadable file', async () => {
    const loaded = await loadServiceConnections('/nonexistent/sluice-connections.json');

    expect(loaded.diagnostics[0]).toMatchObject({ code: 'SVC001' });
  });
});

describe('PipAuthenticate@1', () => {
  it('sets index URLs for later steps and masks them', async () => {
    const { connections } = parseServiceConnections(CONNECTIONS, 'conn.json');
    const run = await runJob(
      makeRequest([
        taskStep('PipAuthenticate', '1', { artifactFeeds: 'internal', pythonDownloadServiceConnections: 'upload' }),
        bash(`python3 -c "import os, urllib.parse as u; p = u.urlsplit(os.environ['PIP_INDEX_URL']); print(p.username, u.unquote(p.password) == '${PASSWORD}', p.hostname)"; echo "extra=$PIP_EXTRA_INDEX_URL"`),
      ]),
      { serviceConnections: connections },
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)[0]).toBe('alice True pkgs.example.test');
    expect(run.lines(2)[1]).toBe('extra=***');
    expect(JSON.stringify(run.events)).not.toContain(TOKEN);
    expect(JSON.stringify(run.events)).not.toContain(encodeURIComponent(PASSWORD));
    expect(run.outcome.variables.PIP_INDEX_URL).toBe('***');
  });

  it('puts every feed in the extra index with onlyAddExtraIndex', async () => {
    const { connections } = parseServiceConnections(CONNECTIONS, 'conn.json');
    const run = await runJob(
      makeRequest([taskStep('PipAuthenticate', '1', { artifactFeeds: 'internal', onlyAddExtraIndex: 'true' }), bash('echo "index=${PIP_INDEX_URL-unset} extra=${PIP_EXTRA_INDEX_URL:+set}"')]),
      { serviceConnections: connections },
    );

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['index=unset extra=set']);
  });

  it('fails on an unknown feed', async () => {
    const { connections } = parseServiceConnections(CONNECTIONS, 'conn.json');
    const run = await runJob(makeRequest([taskStep('PipAuthenticate', '1', { artifactFeeds: 'project/missing' })]), { serviceConnections: connections });

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN020' });
    expect(run.finished(1)?.reason).toContain("'project/missing' is not defined (defined: internal, upload)");
  });
});

describe('TwineAuthenticate@1', () => {
  it('writes a pypirc and removes it after the job', async () => {
    const { connections } = parseServiceConnections(CONNECTIONS, 'conn.json');
    const copy = join(makeTempDir(), 'pypirc-copy');
    const run = await runJob(
      makeRequest([
        taskStep('TwineAuthenticate', '1', { artifactFeed: 'org/internal' }),
        taskStep('TwineAuthenticate', '1', { pythonUploadServiceConnection: 'upload' }),
        bash(`cp "$PYPIRC_PATH" ${copy}; echo "$PYPIRC_PATH"`),
      ]),
      { serviceConnections: connections },
    );
    const pypirc = readFileSync(copy, 'utf8');
    const postJob = run.events.find((event) => event.type === 'record-finished' && event.record.displayName === 'Post-job: TwineAuthenticate');

    expect(run.outcome.result).toBe('succeeded');
    expect(pypirc).toContain('index-servers=internal upload');
    expect(pypirc).toContain(`[internal]\nrepository=https://pkgs.example.test/org/_packaging/internal/pypi/simple/\nusername=alice\npassword=${PASSWORD}`);
    expect(pypirc).toContain(`[upload]\nrepository=https://upload.example.test/legacy/\nusername=build\npassword=${TOKEN}`);
    expect(postJob).toMatchObject({ result: 'succeeded' });
    expect(existsSync(run.lines(3)[0] as string)).toBe(false);
  });
});

it('loads a connections file from disk', () => {
  const file = join(makeTempDir(), 'connections.json');
  writeFileSync(file, CONNECTIONS);
  return loadServiceConnections(file).then((loaded) => {
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.connections.size).toBe(2);
  });
});
