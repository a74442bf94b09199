import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';

/** File under the work folder that keeps the agent's registration across restarts. */
export const IDENTITY_FILE = '.agent.json';

/** What an agent stores after registering: the server, its id and name, and its agent token. */
export interface AgentIdentity {
  url: string;
  agentId: number;
  name: string;
  pool: string;
  token: string;
}

/** Returns the stored identity for `url`, or undefined when none is stored or it is of another server. */
export async function loadIdentity(workDir: string, url: string): Promise<AgentIdentity | undefined> {
  const path = join(workDir, IDENTITY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let identity: AgentIdentity;
  try {
    identity = JSON.parse(text) as AgentIdentity;
  } catch (error) {
    throw new AgentError(AgentErrorCode.InvalidIdentity, `${path} is not valid JSON`, 'delete it and register again with --token', { cause: error });
  }
  if (typeof identity.token !== 'string' || typeof identity.agentId !== 'number' || typeof identity.url !== 'string') {
    throw new AgentError(AgentErrorCode.InvalidIdentity, `${path} has no agent token or id`, 'delete it and register again with --token');
  }
  return sameServer(identity.url, url) ? identity : undefined;
}

/** Stores the identity readable by the owner only; written to a temporary file and renamed, so a crash leaves the old one. */
export async function saveIdentity(workDir: string, identity: AgentIdentity): Promise<void> {
  const path = join(workDir, IDENTITY_FILE);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
