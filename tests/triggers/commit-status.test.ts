import { describe, expect, it } from 'vitest';
import { buildCommitStatusRequest, GITHUB_DESCRIPTION_MAX_LENGTH, type CommitStatus } from '../../src/triggers/commit-status.js';

const SHA = 'cccccccccccccccccccccccccccccccccccccccc';
const status: CommitStatus = { sha: SHA, state: 'running', context: 'sluice/widget', description: 'Build 12 is running', targetUrl: 'http://127.0.0.1:8080/runs/12' };

// docs.github.com/rest/commits/statuses#create-a-commit-status
describe('GitHub commit status', () => {
  it('builds the request', () => {
    const request = buildCommitStatusRequest({ forge: 'github', repository: 'example-org/widget' }, status);
    expect(request).toEqual({
      method: 'POST',
      path: `/repos/example-org/widget/statuses/${SHA}`,
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'content-type': 'application/json' },
      body: { state: 'pending', context: 'sluice/widget', description: 'Build 12 is running', target_url: 'http://127.0.0.1:8080/runs/12' },
    });
  });

  it.each([['success', 'success'], ['failure', 'failure'], ['error', 'error'], ['canceled', 'error'], ['pending', 'pending']] as const)(
    'maps %s to %s', (state, expected) => {
      expect(buildCommitStatusRequest({ forge: 'github', repository: 'o/r' }, { ...status, state }).body.state).toBe(expected);
    });

  it('shortens a long description', () => {
    const request = buildCommitStatusRequest({ forge: 'github', repository: 'o/r' }, { ...status, description: 'x'.repeat(300) });
    expect(request.body.description).toHaveLength(GITHUB_DESCRIPTION_MAX_LENGTH);
  });

  it('rejects a repository without an owner', () => {
    expect(() => buildCommitStatusRequest({ forge: 'github', repository: 'widget' }, status)).toThrow('owner/name');
  });

  it('leaves out fields that are not set', () => {
    const request = buildCommitStatusRequest({ forge: 'github', repository: 'o/r' }, { sha: SHA, state: 'success', context: 'ci' });
    expect(request.body).toEqual({ state: 'success', context: 'ci' });
  });
});

// docs.gitlab.com/api/commits#set-the-pipeline-status-of-a-commit
describe('GitLab commit status', () => {
  it('builds the request with an encoded project path', () => {
    const request = buildCommitStatusRequest({ forge: 'gitlab', repository: 'platform/tools/widget' }, { ...status, ref: 'main' });
    expect(request.path).toBe(`/projects/platform%2Ftools%2Fwidget/statuses/${SHA}`);
    expect(request.body).toEqual({ state: 'running', name: 'sluice/widget', description: 'Build 12 is running', target_url: 'http://127.0.0.1:8080/runs/12', ref: 'main' });
  });

  it.each([['failure', 'failed'], ['error', 'failed'], ['canceled', 'canceled'], ['success', 'success'], ['pending', 'pending']] as const)(
    'maps %s to %s', (state, expected) => {
      expect(buildCommitStatusRequest({ forge: 'gitlab', repository: '15' }, { ...status, state }).body.state).toBe(expected);
    });
});

// Gitea API: POST /repos/{owner}/{repo}/statuses/{sha} with CreateStatusOption.
describe('Gitea commit status', () => {
  it('builds the request', () => {
    const request = buildCommitStatusRequest({ forge: 'gitea', repository: 'team/widget' }, { ...status, state: 'canceled' });
    expect(request.path).toBe(`/repos/team/widget/statuses/${SHA}`);
    expect(request.body).toEqual({ state: 'error', context: 'sluice/widget', description: 'Build 12 is running', target_url: 'http://127.0.0.1:8080/runs/12' });
    expect(request.headers).not.toHaveProperty('authorization');
  });
});
