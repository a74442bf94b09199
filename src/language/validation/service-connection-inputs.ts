// Input names are those that tasks in microsoft/azure-pipelines-tasks declare with
// type `connectedService:*` in their task.json (for example AzureCLI's
// `connectedServiceNameARM`, alias `azureSubscription`, and Docker's `containerRegistry`).

/** Task inputs whose value names a service connection, lower-cased. */
export const SERVICE_CONNECTION_INPUTS: ReadonlySet<string> = new Set(
  [
    'azureSubscription',
    'azureSubscriptionEndpoint',
    'azureResourceManagerConnection',
    'connectedServiceName',
    'connectedServiceNameARM',
    'connectedServiceNameClassic',
    'ConnectedServiceNameSelector',
    'serviceConnection',
    'externalEndpoint',
    'externalEndpoints',
    'externalFeedCredentials',
    'nuGetServiceConnections',
    'pythonUploadServiceConnection',
    'dockerRegistryServiceConnection',
    'dockerRegistryEndpoint',
    'containerRegistry',
    'kubernetesServiceConnection',
    'kubernetesServiceEndpoint',
    'gitHubConnection',
    'gitHubServiceConnection',
    'sshEndpoint',
    'serverEndpoint',
    'publishEndpoint',
    'SonarQube',
    'SonarCloud',
  ].map((name) => name.toLowerCase()),
);

/** Inputs whose value may list several connections, separated by commas. */
const LIST_INPUTS: ReadonlySet<string> = new Set(['externalendpoints', 'externalfeedcredentials', 'nugetserviceconnections']);

/**
 * Returns the connection names that a task input refers to, or [] when the
 * input is not a service-connection input. Names are trimmed; empty ones are dropped.
 */
export function serviceConnectionNames(inputName: string, value: string): string[] {
  const key = inputName.toLowerCase();
  if (!SERVICE_CONNECTION_INPUTS.has(key)) return [];
  const names = LIST_INPUTS.has(key) ? value.split(',') : [value];
  return names.map((name) => name.trim()).filter((name) => name !== '');
}
