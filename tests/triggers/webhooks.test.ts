import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InMemoryDeliveryLog } from '../../src/triggers/delivery-log.js';
import { parseWebhook } from '../../src/triggers/parse-webhook.js';
import { authenticateWebhook } from '../../src/triggers/verify-webhook.js';
import type { PullRequestEvent, PushEvent } from '../../src/triggers/webhook-event.js';
import { detectForge } from '../../src/triggers/webhook-headers.js';

const SECRET = 'test-webhook-secret-9f2c';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url), 'utf8');
}

function hmacHex(body: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

describe('webhook authentication', () => {
  const body = fixture('github-push.json');
  const githubHeaders = (signature: string | undefined, delivery: string | null = 'delivery-1') => ({
    'x-github-event': 'push',
    ...(delivery ? { 'x-github-delivery': delivery } : {}),
    ...(signature ? { 'X-Hub-Signature-256': signature } : {}),
  });

  it('accepts a valid GitHub signature', async () => {
    const result = await authenticateWebhook({ headers: githubHeaders(`sha256=${hmacHex(body)}`), rawBody: body }, SECRET, new InMemoryDeliveryLog());
    expect(result).toEqual({ ok: true, value: { forge: 'github', deliveryId: 'delivery-1' } });
  });

  it('rejects a GitHub signature made with another secret', async () => {
    const result = await authenticateWebhook({ headers: githubHeaders(`sha256=${hmacHex(body, 'other')}`), rawBody: body }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('TRG021');
    expect(result.error.status).toBe(401);
    expect(result.error.message).not.toContain(SECRET);
  });

  it('rejects a GitHub body changed after signing', async () => {
    const signature = `sha256=${hmacHex(body)}`;
    const result = await authenticateWebhook({ headers: githubHeaders(signature), rawBody: body.replace('main', 'dev') }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG021');
  });

  it('rejects a missing GitHub signature header', async () => {
    const result = await authenticateWebhook({ headers: githubHeaders(undefined), rawBody: body }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG020');
  });

  it('rejects a replayed delivery', async () => {
    const log = new InMemoryDeliveryLog();
    const request = { headers: githubHeaders(`sha256=${hmacHex(body)}`), rawBody: Buffer.from(body) };
    expect((await authenticateWebhook(request, SECRET, log)).ok).toBe(true);
    const replay = await authenticateWebhook(request, SECRET, log);
    expect(replay.ok ? undefined : replay.error.code).toBe('TRG023');
    expect(replay.ok ? undefined : replay.error.status).toBe(409);
  });

  it('rejects a request without a delivery id', async () => {
    const result = await authenticateWebhook({ headers: githubHeaders(`sha256=${hmacHex(body)}`, null), rawBody: body }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG022');
  });

  it('does not record ids of forged requests', async () => {
    const log = new InMemoryDeliveryLog();
    await authenticateWebhook({ headers: githubHeaders('sha256=00'), rawBody: body }, SECRET, log);
    expect(log.size).toBe(0);
  });

  it('rejects a request from an unknown sender', async () => {
    const result = await authenticateWebhook({ headers: { 'content-type': 'application/json' }, rawBody: body }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG025');
  });

  it('rejects when no secret is configured', async () => {
    const result = await authenticateWebhook({ headers: githubHeaders('sha256=00'), rawBody: body }, undefined, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG026');
  });

  it('accepts the right GitLab token', async () => {
    const headers = { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': SECRET, 'X-Gitlab-Webhook-UUID': 'gl-1' };
    const result = await authenticateWebhook({ headers, rawBody: fixture('gitlab-push-hook.json') }, SECRET, new InMemoryDeliveryLog());
    expect(result).toEqual({ ok: true, value: { forge: 'gitlab', deliveryId: 'gl-1' } });
  });

  it('rejects a wrong GitLab token of another length', async () => {
    const headers = { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': 'short', 'X-Gitlab-Event-UUID': 'gl-2' };
    const result = await authenticateWebhook({ headers, rawBody: '{}' }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG021');
    expect(result.ok ? '' : result.error.message).not.toContain('short');
  });

  it('rejects a missing GitLab token', async () => {
    const headers = { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Event-UUID': 'gl-3' };
    const result = await authenticateWebhook({ headers, rawBody: '{}' }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG020');
  });

  it('accepts a Gitea signature even with the GitHub header present', async () => {
    const giteaBody = fixture('gitea-push.json');
    const headers = { 'X-Gitea-Event': 'push', 'X-GitHub-Event': 'push', 'X-Gitea-Delivery': 'gt-1', 'X-Gitea-Signature': hmacHex(giteaBody) };
    const result = await authenticateWebhook({ headers, rawBody: giteaBody }, SECRET, new InMemoryDeliveryLog());
    expect(result).toEqual({ ok: true, value: { forge: 'gitea', deliveryId: 'gt-1' } });
  });

  it('accepts a Forgejo signature', async () => {
    const headers = { 'X-Forgejo-Event': 'push', 'X-Forgejo-Delivery': 'fj-1', 'X-Forgejo-Signature': hmacHex('{}') };
    const result = await authenticateWebhook({ headers, rawBody: '{}' }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok).toBe(true);
  });

  it('rejects a malformed Gitea signature', async () => {
    const headers = { 'X-Gitea-Event': 'push', 'X-Gitea-Delivery': 'gt-2', 'X-Gitea-Signature': 'not-hex' };
    const result = await authenticateWebhook({ headers, rawBody: '{}' }, SECRET, new InMemoryDeliveryLog());
    expect(result.ok ? undefined : result.error.code).toBe('TRG021');
  });
});

describe('InMemoryDeliveryLog', () => {
  it('forgets the oldest id when full', async () => {
    const log = new InMemoryDeliveryLog(2);
    expect(await log.markSeen('a')).toBe(true);
    expect(await log.markSeen('b')).toBe(true);
    expect(await log.markSeen('c')).toBe(true);
    expect(log.size).toBe(2);
    expect(await log.markSeen('a')).toBe(true);
    expect(await log.markSeen('c')).toBe(false);
  });

  it('rejects a size below one', () => {
    expect(() => new InMemoryDeliveryLog(0)).toThrow(RangeError);
  });
});

describe('webhook payload parsing', () => {
  function parsed(headers: Record<string, string>, name: string) {
    const forge = detectForge(headers);
    if (forge === undefined) throw new Error('no forge event header in the test request');
    const result = parseWebhook(forge, headers, fixture(name), 'id-1');
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  it('reads a GitHub push', () => {
    const event = parsed({ 'x-github-event': 'push' }, 'github-push.json') as PushEvent;
    expect(event).toMatchObject({
      kind: 'push', forge: 'github', ref: 'refs/heads/main', isNewRef: false, isDeletedRef: false, changedPathsComplete: true,
      before: '1111111111111111111111111111111111111111', after: '3333333333333333333333333333333333333333',
      repository: { fullName: 'example-org/widget', cloneUrl: 'https://github.com/example-org/widget.git' },
    });
    expect(event.changedPaths).toEqual(['src/settings/parser.ts', 'README.md', 'docs/old.md']);
    expect(event.commits.map((commit) => commit.message)).toEqual(['Add parser for settings files', 'Fix typo in docs\n\n[skip ci]']);
    expect(event.headCommit?.id).toBe('3333333333333333333333333333333333333333');
  });

  it('reads a GitHub fork pull request', () => {
    const event = parsed({ 'x-github-event': 'pull_request' }, 'github-pull-request-fork.json') as PullRequestEvent;
    expect(event).toMatchObject({
      kind: 'pull-request', action: 'updated', forgeAction: 'synchronize', number: 42, sourceBranch: 'faster-parser',
      targetBranch: 'main', isDraft: true, isFork: true, merged: false,
      headCommit: { id: '5555555555555555555555555555555555555555' }, baseCommit: '3333333333333333333333333333333333333333',
      repository: { fullName: 'example-org/widget' }, sourceRepository: { fullName: 'contributor/widget' },
    });
  });

  it.each([
    ['opened', 'opened'], ['reopened', 'reopened'], ['closed', 'closed'], ['ready_for_review', 'updated'], ['labeled', 'other'],
  ])('maps GitHub action %s to %s', (forgeAction, action) => {
    const body = fixture('github-pull-request-fork.json').replace('"synchronize"', `"${forgeAction}"`);
    const result = parseWebhook('github', { 'x-github-event': 'pull_request' }, body, 'id');
    const event = result.ok ? (result.value as PullRequestEvent) : undefined;
    expect(event?.action).toBe(action);
  });

  it('reads a GitHub ping', () => {
    expect(parsed({ 'x-github-event': 'ping' }, 'github-ping.json')).toEqual({ kind: 'ping', forge: 'github', deliveryId: 'id-1' });
  });

  it('ignores other GitHub events', () => {
    expect(parsed({ 'x-github-event': 'star' }, 'github-ping.json')).toMatchObject({ kind: 'ignored', eventName: 'star' });
  });

  it('reads a GitLab push of a new branch', () => {
    const event = parsed({ 'x-gitlab-event': 'Push Hook' }, 'gitlab-push-hook.json') as PushEvent;
    expect(event).toMatchObject({
      kind: 'push', forge: 'gitlab', ref: 'refs/heads/feature/login', isNewRef: true, isDeletedRef: false,
      repository: { fullName: 'platform/tools/widget', projectId: 15 },
      headCommit: { id: '7777777777777777777777777777777777777777' },
    });
    expect(event.changedPaths).toEqual(['web/login.html', 'src/auth/validate.ts']);
    // total_commits_count is 25 but only 2 commits are listed.
    expect(event.changedPathsComplete).toBe(false);
  });

  it('reads a GitLab tag push', () => {
    const event = parsed({ 'x-gitlab-event': 'Tag Push Hook' }, 'gitlab-tag-push-hook.json') as PushEvent;
    expect(event).toMatchObject({ kind: 'push', ref: 'refs/tags/v2.1.0', isNewRef: true, commits: [], changedPathsComplete: true });
  });

  it('reads a GitLab merge request update', () => {
    const event = parsed({ 'x-gitlab-event': 'Merge Request Hook' }, 'gitlab-merge-request-hook.json') as PullRequestEvent;
    expect(event).toMatchObject({
      kind: 'pull-request', forge: 'gitlab', action: 'updated', forgeAction: 'update', number: 7, sourceBranch: 'feature/login',
      targetBranch: 'main', isDraft: true, isFork: false, merged: false,
      headCommit: { id: '7777777777777777777777777777777777777777', message: 'Validate login input\n' },
    });
  });

  it('treats a GitLab update without new commits as other', () => {
    const body = fixture('gitlab-merge-request-hook.json').replace('"oldrev": "6666666666666666666666666666666666666666",', '');
    const result = parseWebhook('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, body, 'id');
    const event = result.ok ? (result.value as PullRequestEvent) : undefined;
    expect(event?.action).toBe('other');
  });

  it('reads a Gitea push', () => {
    const event = parsed({ 'x-gitea-event': 'push' }, 'gitea-push.json') as PushEvent;
    expect(event).toMatchObject({ kind: 'push', forge: 'gitea', ref: 'refs/heads/release/1.0', changedPathsComplete: true, isNewRef: false });
    expect(event.changedPaths).toEqual(['package.json', 'CHANGELOG.md']);
  });

  it('reads a Gitea WIP pull request as a draft', () => {
    const event = parsed({ 'x-gitea-event': 'pull_request' }, 'gitea-pull-request.json') as PullRequestEvent;
    expect(event).toMatchObject({ kind: 'pull-request', action: 'opened', number: 12, isDraft: true, isFork: false, targetBranch: 'main' });
  });

  it('rejects a body that is not JSON', () => {
    const result = parseWebhook('github', { 'x-github-event': 'push' }, '{not json', 'id');
    expect(result.ok ? undefined : result.error.code).toBe('TRG024');
  });

  it('lists every missing field', () => {
    const result = parseWebhook('github', { 'x-github-event': 'push' }, '{"ref": "refs/heads/main"}', 'id');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('TRG024');
    expect(result.error.message).toContain('before');
    expect(result.error.message).toContain('repository.clone_url');
  });
});
