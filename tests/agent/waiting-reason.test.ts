import { describe, expect, it } from 'vitest';
import { describeWaitingReason } from '../../src/agent/waiting-reason.js';
import type { Agent } from '../../src/store/agent-repository.js';

function agent(id: number, pool: string, capabilities: Record<string, string>, status: Agent['status'] = 'online'): Agent {
  return { id, name: `agent-${id}`, pool, capabilities, status, registeredAt: '2026-01-01T00:00:00Z' };
}

describe('describeWaitingReason', () => {
  it('names a pool without agents', () => {
    expect(describeWaitingReason({ pool: 'linux', demands: [] }, [agent(1, 'Default', {})], new Set())).toBe("waiting: no agent is registered in pool 'linux'");
  });

  it('names the unmet demand and busy agents', () => {
    const agents = [agent(1, 'linux', { python: '3.11' }), agent(2, 'linux', { python: '3.11' }), agent(3, 'linux', {})];
    const reason = describeWaitingReason({ pool: 'linux', demands: ['python -equals 3.12'] }, agents, new Set([1, 2]));
    expect(reason).toBe("waiting: no agent in pool 'linux' has python=3.12; 2 agents busy");
  });

  it('reports suitable agents that are all busy', () => {
    const agents = [agent(1, 'Default', { docker: '1' }), agent(2, 'Default', {})];
    expect(describeWaitingReason({ pool: 'Default', demands: ['docker'] }, agents, new Set([1]))).toBe("waiting: all 1 agent in pool 'Default' that meet the demands are busy");
  });

  it('reports offline pools', () => {
    const agents = [agent(1, 'Default', {}, 'offline'), agent(2, 'Default', {}, 'disabled')];
    expect(describeWaitingReason({ pool: 'Default', demands: [] }, agents, new Set())).toBe("waiting: no agent in pool 'Default' is online (1 offline, 1 disabled)");
  });

  it('returns nothing when a free agent fits', () => {
    expect(describeWaitingReason({ pool: 'Default', demands: ['Agent.OS -equals linux'] }, [agent(1, 'Default', { 'Agent.OS': 'Linux' })], new Set())).toBeUndefined();
  });

  it('explains demands met only by different agents', () => {
    const agents = [agent(1, 'Default', { python: '3.12' }), agent(2, 'Default', { docker: '1' })];
    expect(describeWaitingReason({ pool: 'Default', demands: ['python -equals 3.12', 'docker'] }, agents, new Set())).toBe("waiting: no agent in pool 'Default' meets all of python=3.12, docker");
  });

  it('names an image no agent of the hosted pool can run', () => {
    const agents = [agent(1, 'Azure Pipelines', { 'Agent.OS': 'Linux' }), agent(2, 'Azure Pipelines', { 'Agent.OS': 'Linux', vmImage: 'ubuntu-22.04' })];
    const job = { pool: 'Azure Pipelines', demands: [], vmImage: 'windows-latest' };
    expect(describeWaitingReason(job, agents, new Set())).toBe(
      "waiting: no agent in pool 'Azure Pipelines' can run image 'windows-latest' (list it with --capability vmImage=windows-latest or run an agent on Windows_NT)",
    );
    expect(describeWaitingReason({ ...job, vmImage: 'ubuntu-latest' }, agents, new Set())).toBeUndefined();
  });
});
