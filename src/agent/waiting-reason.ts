import type { Agent } from '../store/agent-repository.js';
import { demandsSatisfied } from '../store/agent-demands.js';
import { operatingSystemOfImage, vmImageSatisfied } from '../store/vm-image-match.js';

/** What a queued job needs, as the job queue stores it. */
export interface WaitingJob {
  pool: string;
  demands: readonly string[];
  /** The `pool: vmImage` of a hosted-pool job. */
  vmImage?: string;
}

/**
 * Explains why a queued job has no agent: no agent in its pool, no online
 * agent meeting its demands (naming the demands no online agent meets), or
 * every suitable agent busy. Returns undefined when a free agent could take
 * it, which is the case for a moment between enqueue and claim.
 * `busyAgentIds` are the agents that run as many jobs as they take at once.
 */
export function describeWaitingReason(job: WaitingJob, agents: readonly Agent[], busyAgentIds: ReadonlySet<number>): string | undefined {
  const inPool = agents.filter((agent) => agent.pool === job.pool);
  if (inPool.length === 0) return `waiting: no agent is registered in pool '${job.pool}'`;

  const online = inPool.filter((agent) => agent.status === 'online');
  const busyInPool = online.filter((agent) => busyAgentIds.has(agent.id)).length;
  const busyText = busyInPool === 0 ? '' : `; ${busyInPool} ${busyInPool === 1 ? 'agent' : 'agents'} busy`;
  if (online.length === 0) {
    const offline = inPool.length - inPool.filter((agent) => agent.status === 'disabled').length;
    return `waiting: no agent in pool '${job.pool}' is online (${offline} offline, ${inPool.length - offline} disabled)`;
  }

  const imageAgents = online.filter((agent) => vmImageSatisfied(job.vmImage, agent.capabilities));
  if (imageAgents.length === 0 && job.vmImage !== undefined) {
    const os = operatingSystemOfImage(job.vmImage);
    const how = `list it with --capability vmImage=${job.vmImage}${os === undefined ? '' : ` or run an agent on ${os}`}`;
    return `waiting: no agent in pool '${job.pool}' can run image '${job.vmImage}' (${how})${busyText}`;
  }
  const suitable = imageAgents.filter((agent) => demandsSatisfied(job.demands, agent.capabilities));
  if (suitable.length === 0) {
    const unmet = job.demands.filter((demand) => !online.some((agent) => demandsSatisfied([demand], agent.capabilities)));
    // Each demand may be met by some agent while no single agent meets all of them.
    const what = unmet.length > 0 ? `has ${unmet.map(describeDemand).join(' and ')}` : `meets all of ${job.demands.map(describeDemand).join(', ')}`;
    return `waiting: no agent in pool '${job.pool}' ${what}${busyText}`;
  }

  const free = suitable.filter((agent) => !busyAgentIds.has(agent.id));
  if (free.length > 0) return undefined;
  return `waiting: all ${suitable.length} ${suitable.length === 1 ? 'agent' : 'agents'} in pool '${job.pool}' that meet the demands are busy`;
}

/** Writes `python -equals 3.12` as `python=3.12`, the form users pass to `--capability`. */
function describeDemand(demand: string): string {
  const equals = /^\s*(\S+)\s+-equals\s+(.*?)\s*$/i.exec(demand);
  return equals === null ? demand.trim() : `${equals[1]}=${equals[2]}`;
}
