/**
 * Decides whether an agent with `capabilities` may run a job that requests `pool: vmImage: <image>`.
 *
 * Azure Pipelines runs such jobs on Microsoft-hosted agents made from that
 * image (learn.microsoft.com/azure/devops/pipelines/agents/hosted). A Sluice
 * server has no images, so an agent in the hosted pool states what it can
 * stand in for, by one of two rules:
 *
 * 1. An agent with a `vmImage` capability (`--capability vmImage=ubuntu-latest,ubuntu-24.04`)
 *    runs exactly the images it lists, compared ignoring case. `*` in the list
 *    accepts every image.
 * 2. An agent without that capability runs the images of its operating system
 *    family, from its `Agent.OS` capability: `ubuntu-*` and `linux` images on
 *    Linux, `windows-*` and `vs20*` images on Windows_NT, `macos-*` and `macOS-*`
 *    images on Darwin (the hosted image names are listed on the page above).
 *
 * An image name that fits no family runs only on agents that list it.
 */
export function vmImageSatisfied(vmImage: string | null | undefined, capabilities: Readonly<Record<string, string>>): boolean {
  if (vmImage === null || vmImage === undefined || vmImage.trim() === '') return true;
  const image = vmImage.trim().toLowerCase();
  const listed = capabilityValue(capabilities, 'vmImage');
  if (listed !== undefined) {
    const images = listed.split(',').map((entry) => entry.trim().toLowerCase());
    return images.includes('*') || images.includes(image);
  }
  const family = operatingSystemOfImage(image);
  const agentOs = capabilityValue(capabilities, 'Agent.OS');
  return family !== undefined && agentOs !== undefined && agentOs.toLowerCase() === family.toLowerCase();
}

/** Returns the Agent.OS of the hosted image family of `image` (Linux, Windows_NT or Darwin), or undefined. */
export function operatingSystemOfImage(image: string): string | undefined {
  const name = image.trim().toLowerCase();
  if (name === 'linux' || name.startsWith('ubuntu')) return 'Linux';
  if (name === 'windows' || name.startsWith('windows-') || name.startsWith('vs20') || name.startsWith('win')) return 'Windows_NT';
  if (name === 'macos' || name.startsWith('macos-')) return 'Darwin';
  return undefined;
}

function capabilityValue(capabilities: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(capabilities)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
