import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareVersions, parseVersion, type Version } from '../version-range.js';

/** Search locations of NodeTool@0 and UseNode@1. Nothing is downloaded. */
export interface NodeSearchLocations {
  /** nvm's folder (`$NVM_DIR`, default `~/.nvm`); versions live in `versions/node/v<x.y.z>/bin`. */
  nvmDirectory?: string;
  /** Tool cache root (Agent.ToolsDirectory); versions live in `node/<x.y.z>/<arch>/bin`, as the agent caches them. */
  toolsDirectory?: string;
  /** Offer the Node.js that runs Sluice. */
  includeRunningNode: boolean;
}

/** A Node.js found on this machine. */
export interface NodeInstallation {
  version: Version;
  /** Folder with the `node` executable, for the front of PATH. */
  binDirectory: string;
  source: 'running node' | 'nvm' | 'tool cache';
}

/** Returns the default search locations from an environment (`NVM_DIR`, `AGENT_TOOLSDIRECTORY`). */
export function defaultNodeSearchLocations(environment: NodeJS.ProcessEnv): NodeSearchLocations {
  return {
    nvmDirectory: environment.NVM_DIR || join(homedir(), '.nvm'),
    toolsDirectory: environment.AGENT_TOOLSDIRECTORY || undefined,
    includeRunningNode: true,
  };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((stats) => stats.isFile(), () => false);
}

async function listFolder(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}

/** The executable's name in a bin folder. */
const NODE_EXECUTABLE = process.platform === 'win32' ? 'node.exe' : 'node';

/**
 * Lists the Node.js installations in the search locations, newest first. A
 * version folder counts only when it contains a `node` executable.
 */
export async function findNodeInstallations(locations: NodeSearchLocations, arch: string = process.arch): Promise<NodeInstallation[]> {
  const found: NodeInstallation[] = [];
  if (locations.includeRunningNode) {
    const version = parseVersion(process.version);
    if (version) found.push({ version, binDirectory: dirname(process.execPath), source: 'running node' });
  }

  if (locations.nvmDirectory) {
    const root = join(locations.nvmDirectory, 'versions', 'node');
    for (const name of await listFolder(root)) {
      const version = parseVersion(name);
      const bin = join(root, name, 'bin');
      if (version && (await isFile(join(bin, NODE_EXECUTABLE)))) found.push({ version, binDirectory: bin, source: 'nvm' });
    }
  }

  if (locations.toolsDirectory) {
    const root = join(locations.toolsDirectory, 'node');
    for (const name of await listFolder(root)) {
      const version = parseVersion(name);
      const bin = process.platform === 'win32' ? join(root, name, arch) : join(root, name, arch, 'bin');
      if (version && (await isFile(join(bin, NODE_EXECUTABLE)))) found.push({ version, binDirectory: bin, source: 'tool cache' });
    }
  }

  return found.sort((a, b) => compareVersions(b.version, a.version));
}
