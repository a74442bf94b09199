import type { ContainerResource } from '../../language/pipeline/pipeline-model.js';
import { ContainerError, ContainerErrorCode } from './container-error-codes.js';

/** The only host address Sluice publishes container ports on. */
export const PUBLISH_ADDRESS = '127.0.0.1';

/**
 * Splits an `options:` string into arguments the way a POSIX shell splits words:
 * whitespace separates, single and double quotes group, a backslash escapes the
 * next character outside single quotes. No expansion happens. Azure passes
 * `options` to `docker create` as written (learn.microsoft.com …/process/container-phases).
 */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) current += text[++i];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote !== undefined) {
    throw new ContainerError(ContainerErrorCode.InvalidOptions, `container options '${text}' have an unterminated ${quote} quote; close the quote or remove it`);
  }
  if (inWord) words.push(current);
  return words;
}

/**
 * Turns `ports:` entries into `--publish` arguments bound to 127.0.0.1 only.
 * Accepted forms: `CONTAINER`, `HOST:CONTAINER`, `127.0.0.1:HOST:CONTAINER`,
 * each with an optional `/tcp` or `/udp`. Another address is rejected, because
 * a CI job must not open ports to the network.
 */
export function publishArguments(alias: string, ports: readonly string[]): string[] {
  const args: string[] = [];
  for (const entry of ports) {
    const match = /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[^\]]+\]):)?(\d{1,5})?:)?(\d{1,5})(\/(?:tcp|udp))?$/.exec(entry.trim());
    if (!match) {
      throw new ContainerError(ContainerErrorCode.InvalidPortMapping, `port mapping '${entry}' of container '${alias}' is invalid; write CONTAINER_PORT or HOST_PORT:CONTAINER_PORT, for example 8080:80`);
    }
    const [, address, hostPort, containerPort, protocol] = match;
    if (address !== undefined && address !== PUBLISH_ADDRESS) {
      throw new ContainerError(
        ContainerErrorCode.InvalidPortMapping,
        `port mapping '${entry}' of container '${alias}' binds to ${address}; Sluice publishes ports on ${PUBLISH_ADDRESS} only, so remove the address`,
      );
    }
    args.push('--publish', `${PUBLISH_ADDRESS}:${hostPort ?? ''}:${containerPort}${protocol ?? ''}`);
  }
  return args;
}

/**
 * Returns `--env NAME` arguments and the values to put in the engine CLI's own
 * environment. The CLI copies a value from its environment when only the name is
 * given, so values never appear on a command line that `ps` shows.
 */
export function environmentArguments(env: Record<string, string>): { args: string[]; values: Record<string, string> } {
  const args: string[] = [];
  for (const name of Object.keys(env)) args.push('--env', name);
  return { args, values: { ...env } };
}

/** A host folder mounted at the same path inside the container, so paths in variables stay valid. */
export interface SamePathMount {
  path: string;
  readOnly: boolean;
}

/** Returns `--volume` arguments: the job's same-path mounts first, then the resource's `volumes:` as written. */
export function volumeArguments(mounts: readonly SamePathMount[], resource: ContainerResource): string[] {
  const args: string[] = [];
  for (const mount of mounts) args.push('--volume', `${mount.path}:${mount.path}${mount.readOnly ? ':ro' : ''}`);
  for (const volume of resource.volumes) args.push('--volume', volume);
  return args;
}
