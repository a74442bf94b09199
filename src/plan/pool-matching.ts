import type { HostOs } from './run-plan.js';

/**
 * Returns the operating system a Microsoft-hosted `vmImage` runs, or undefined
 * for an image name Sluice does not recognise. Image names follow
 * learn.microsoft.com/azure/devops/pipelines/agents/hosted (ubuntu-*, windows-*,
 * macOS-*, and the older vs2017-win2016 / win1803 style).
 */
export function imageOperatingSystem(vmImage: string): HostOs | undefined {
  const image = vmImage.trim().toLowerCase();
  if (image.startsWith('ubuntu') || image.startsWith('linux')) return 'linux';
  if (image.startsWith('windows') || image.startsWith('win') || /^vs20\d\d-win/.test(image)) return 'windows';
  if (image.startsWith('macos')) return 'macos';
  return undefined;
}

/**
 * Decides whether a job whose pool has this `vmImage` can run on this machine.
 * Returns the reason it cannot ("needs a windows agent; to run it on this
 * machine anyway, pass --platform windows-latest=host"), or undefined when it
 * can. A pool without `vmImage` (a named, self-hosted pool) means this machine.
 * `platformMap` maps image names to the host (`--platform windows-latest=host`).
 */
export function poolSkipReason(
  vmImage: string | undefined,
  hostOs: HostOs,
  platformMap: Record<string, 'host'> = {},
): string | undefined {
  if (vmImage === undefined || vmImage.trim() === '') return undefined;

  const mapped = Object.keys(platformMap).some((image) => image.toLowerCase() === vmImage.trim().toLowerCase());
  if (mapped) return undefined;

  const needed = imageOperatingSystem(vmImage);
  // NOTE: an unknown image name (or one still holding an unresolved `$(macro)`)
  // runs on the host, because refusing it would block self-made image names.
  if (needed === undefined || needed === hostOs) return undefined;
  return `needs a ${needed} agent; to run it on this machine anyway, pass --platform ${vmImage.trim()}=host`;
}
