import type { Agent, AgentDetails } from '../api-types.js';
import { h, replaceChildren } from '../dom.js';
import { formatTime, type StatusView } from '../format.js';
import type { PageContext } from '../page.js';
import { errorAlert, scrollingTable, statusBadge } from '../widgets.js';

const AGENT_STATUS: Record<Agent['status'], StatusView> = {
  online: { label: 'Online', tone: 'succeeded' },
  offline: { label: 'Offline', tone: 'skipped' },
  disabled: { label: 'Disabled', tone: 'canceled' },
};

/** Shows the agents by pool: status, version, last heartbeat, current jobs and capabilities. */
export async function renderAgentsPage(main: HTMLElement, context: PageContext): Promise<void> {
  context.setTitle('Agents');
  const heading = h('h1', {}, 'Agents');
  replaceChildren(main, heading, h('p', { class: 'loading' }, 'Loading agents…'));

  let details: AgentDetails[];
  try {
    const { agents } = await context.client.get<{ agents: Agent[] }>('/api/agents', context.signal);
    // One request per agent for its current jobs: the list route does not include them.
    details = await Promise.all(agents.map((agent) => context.client.get<AgentDetails>(`/api/agents/${agent.id}`, context.signal)));
  } catch (error) {
    if (!context.signal.aborted) replaceChildren(main, heading, errorAlert(error));
    return;
  }
  if (context.signal.aborted) return;
  if (details.length === 0) {
    replaceChildren(main, heading, h('p', {}, 'No agent has registered. Start one with ', h('code', {}, 'sluice agent'), '.'));
    return;
  }

  const pools = new Map<string, AgentDetails[]>();
  for (const entry of details) pools.set(entry.agent.pool, [...(pools.get(entry.agent.pool) ?? []), entry]);
  const sections = [...pools.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pool, entries]) =>
      h('section', { class: 'pool', 'aria-labelledby': `pool-${pool}` }, h('h2', { id: `pool-${pool}` }, `Pool ${pool}`), scrollingTable(`Agents of pool ${pool}`, ['Agent', 'Status', 'Version', 'Last heartbeat', 'Current job', 'Capabilities'], entries.map(agentRow))),
    );
  replaceChildren(main, heading, sections);
}

function agentRow({ agent, runningJobs }: AgentDetails): HTMLTableRowElement {
  const jobs =
    runningJobs.length === 0
      ? 'Idle'
      : h(
          'ul',
          { class: 'plain-list' },
          runningJobs.map((job) => h('li', {}, h('a', { href: `/runs/${job.runId}?record=${encodeURIComponent(job.recordId)}` }, `Run ${job.runId}: ${job.recordId}`))),
        );
  const names = Object.keys(agent.capabilities).sort();
  const capabilities = h(
    'details',
    {},
    h('summary', {}, `${names.length} capabilities`),
    h('dl', { class: 'capabilities' }, names.map((name) => [h('dt', {}, name), h('dd', {}, agent.capabilities[name] ?? '')])),
  );
  return h(
    'tr',
    { 'data-agent-id': agent.id },
    h('th', { scope: 'row' }, agent.name),
    h('td', {}, statusBadge(AGENT_STATUS[agent.status])),
    h('td', {}, agent.version ?? ''),
    h('td', {}, agent.lastHeartbeatAt === undefined ? 'never' : h('time', { datetime: agent.lastHeartbeatAt }, formatTime(agent.lastHeartbeatAt))),
    h('td', {}, jobs),
    h('td', {}, capabilities),
  );
}
