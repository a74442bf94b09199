import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE_CACHE_DIR, TEST_JOB_IMAGE, ensureTestImages } from './docker-images.js';

/** Image store shared by test sessions, so the root file system is imported once per machine. */
export const PODMAN_STORAGE_DIR = join(TEST_IMAGE_CACHE_DIR, 'podman-storage');

/** Maximum time of one `podman` command of the setup, in milliseconds; the first import unpacks about 500 MB. */
export const PODMAN_SETUP_TIMEOUT_MS = 5 * 60_000;

/** A Podman configuration of one test session: its own state, network and temp folders. */
export interface PrivatePodman {
  /** Variables that point the `podman` CLI at this configuration and select Podman in Sluice. */
  env: Record<string, string>;
  /** Removes the session's containers and folders; the image store is kept. */
  stop(): void;
}

/** Reads the hard limit of one resource from /proc/self/limits, or undefined when it is unlimited or unreadable. */
function hardLimit(name: string): number | undefined {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((item) => item.startsWith(name));
  const value = line?.slice(name.length).trim().split(/\s+/)[1];
  return value === undefined || value === 'unlimited' ? undefined : Number(value);
}

/**
 * Container rlimits that runc can set here. Rootful Podman 4.3 requests
 * nofile=1048576 and nproc=4194304 unless containers.conf sets other values, and runc fails with
 * "error setting rlimit type 7: operation not permitted" when that is above the
 * hard limit of the calling process. On the machines that run these tests
 * (Debian 12, runc 1.1.5) runc also failed for any nproc above 32768, which is
 * kernel.pid_max there, although the hard limit was higher; so nproc is capped at pid_max.
 */
function containerUlimits(): string[] {
  const nofile = Math.min(hardLimit('Max open files') ?? 1_048_576, 1_048_576);
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  const nproc = Math.min(hardLimit('Max processes') ?? pidMax, pidMax);
  return [`nofile=${nofile}:${nofile}`, `nproc=${nproc}:${nproc}`];
}

function containersConf(runtimeDir: string): string {
  const ulimits = containerUlimits()
    .map((item) => JSON.stringify(item))
    .join(', ');
  return `# Written by the Sluice test setup for one test session.
[containers]
# slirp4netns publishes ports from a user-space process, so no host firewall rule is added (netavark's bridge adds iptables rules).
netns = "slirp4netns"
default_ulimits = [${ulimits}]

[engine]
# No systemd here: cgroups are managed directly and events go to a file.
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${join(runtimeDir, 'events.log')}"
runtime = "runc"
# The libpod database lives with the session, so a session never sees another session's containers.
static_dir = "${join(runtimeDir, 'libpod')}"
tmp_dir = "${join(runtimeDir, 'tmp')}"
volume_path = "${join(runtimeDir, 'volumes')}"

[network]
network_backend = "netavark"
network_config_dir = "${join(runtimeDir, 'networks')}"
`;
}

function storageConf(runtimeDir: string): string {
  return `# Written by the Sluice test setup for one test session.
[storage]
driver = "overlay"
graphroot = "${PODMAN_STORAGE_DIR}"
runroot = "${join(runtimeDir, 'runroot')}"
`;
}

/**
 * Writes a containers.conf and storage.conf for rootful Podman into a new temp
 * folder and imports the test images into the shared image store. Nothing of
 * the machine's own Podman configuration or storage is used, so this works on a
 * fresh machine with only the Debian packages installed. Throws with Podman's
 * output when it cannot run a container here.
 */
export function startPrivatePodman(): PrivatePodman {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'sluice-podman-'));
  mkdirSync(PODMAN_STORAGE_DIR, { recursive: true });
  writeFileSync(join(runtimeDir, 'containers.conf'), containersConf(runtimeDir));
  writeFileSync(join(runtimeDir, 'storage.conf'), storageConf(runtimeDir));
  const env: Record<string, string> = {
    CONTAINERS_CONF: join(runtimeDir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(runtimeDir, 'storage.conf'),
    SLUICE_CONTAINER_ENGINE: 'podman',
  };
  const processEnv = { ...process.env, ...env };
  // A CONTAINER_HOST of the machine would send every command to another Podman service.
  delete processEnv.CONTAINER_HOST;

  const stop = (): void => {
    try {
      execFileSync('podman', ['rm', '--all', '--force', '--time', '0'], { env: processEnv, stdio: 'ignore', timeout: PODMAN_SETUP_TIMEOUT_MS });
    } finally {
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  };
  try {
    ensureTestImages(processEnv, 'podman');
    // One throw-away container shows at setup time, with runc's message, when this machine cannot run containers.
    execFileSync('podman', ['run', '--rm', '--network', 'none', TEST_JOB_IMAGE, 'true'], {
      env: processEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: PODMAN_SETUP_TIMEOUT_MS,
    });
  } catch (error) {
    stop();
    throw error;
  }
  return { env, stop };
}
