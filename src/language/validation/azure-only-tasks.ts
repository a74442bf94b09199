// Task names are the `name` fields of the task.json files in microsoft/azure-pipelines-tasks.
// The agentless tasks are those listed under "Server jobs" in
// learn.microsoft.com/azure/devops/pipelines/process/phases: Delay, Invoke Azure Function,
// Invoke REST API, Manual Validation, Publish To Azure Service Bus, Query Azure Monitor
// Alerts, Query Work Items and Check Azure Policy compliance.

/** A task that depends on an Azure service or the Azure Pipelines server, and what to use locally instead. */
export interface AzureOnlyTask {
  name: string;
  /** The service or server the task needs, which a local machine lacks. */
  needs: string;
  /** The replacement to suggest. */
  instead: string;
  /** True for agentless tasks, which run on the Azure Pipelines server in a `pool: server` job. */
  agentless?: boolean;
}

const APP_SERVICE = 'an Azure App Service deployment through an Azure Resource Manager service connection';
const APP_SERVICE_INSTEAD = 'a script step that runs `az webapp deploy` (or your own deployment tool) with credentials mapped through `env:`';
const ARM = 'an Azure Resource Manager service connection';
const FEED = 'an Azure Artifacts feed and the credentials Azure Pipelines injects';

/** Tasks Sluice reports as Azure-only, one row per task name. */
export const AZURE_ONLY_TASKS: readonly AzureOnlyTask[] = [
  { name: 'AzureWebApp', needs: APP_SERVICE, instead: APP_SERVICE_INSTEAD },
  { name: 'AzureRmWebAppDeployment', needs: APP_SERVICE, instead: APP_SERVICE_INSTEAD },
  { name: 'AzureWebAppContainer', needs: APP_SERVICE, instead: APP_SERVICE_INSTEAD },
  { name: 'AzureFunctionApp', needs: APP_SERVICE, instead: 'a script step that runs `func azure functionapp publish` or `az functionapp deployment`' },
  { name: 'AzureFunctionAppContainer', needs: APP_SERVICE, instead: APP_SERVICE_INSTEAD },
  { name: 'AzureAppServiceManage', needs: APP_SERVICE, instead: 'a script step that runs `az webapp deployment slot swap` or `az webapp start`/`stop`' },
  { name: 'AzureAppServiceSettings', needs: APP_SERVICE, instead: 'a script step that runs `az webapp config appsettings set`' },
  { name: 'AzureCLI', needs: ARM, instead: 'a script step that runs `az login` with credentials mapped through `env:`, then the same `az` commands' },
  { name: 'AzurePowerShell', needs: ARM, instead: 'a pwsh step that runs `Connect-AzAccount` with credentials mapped through `env:`, then the same script' },
  { name: 'AzureKeyVault', needs: 'an Azure Key Vault read through an Azure Resource Manager service connection', instead: 'secret variables given to the local run and mapped into steps through `env:`' },
  { name: 'AzureFileCopy', needs: ARM, instead: 'a script step that runs `azcopy copy` or `az storage blob upload-batch`' },
  { name: 'AzureResourceManagerTemplateDeployment', needs: ARM, instead: 'a script step that runs `az deployment group create`' },
  { name: 'AzureResourceGroupDeployment', needs: ARM, instead: 'a script step that runs `az deployment group create`' },
  { name: 'AzureContainerApps', needs: ARM, instead: 'a script step that runs `az containerapp up`' },
  { name: 'AzureStaticWebApp', needs: 'a deployment token of Azure Static Web Apps', instead: 'a script step that runs the `swa deploy` command line' },
  { name: 'AzureSpringCloud', needs: ARM, instead: 'a script step that runs `az spring app deploy`' },
  { name: 'AzureMysqlDeployment', needs: ARM, instead: 'a script step that runs `mysql` against the server' },
  { name: 'SqlAzureDacpacDeployment', needs: ARM, instead: 'a script step that runs `sqlpackage /Action:Publish`' },
  { name: 'AzureVmssDeployment', needs: ARM, instead: 'a script step that runs `az vmss update`' },
  { name: 'AzureCloudPowerShellDeployment', needs: 'an Azure Classic service connection', instead: 'a pwsh step with the Azure PowerShell module' },
  { name: 'AzureIoTEdge', needs: ARM, instead: 'a script step that runs `iotedgedev` or `az iot edge`' },
  { name: 'AzureAppConfiguration', needs: ARM, instead: 'a script step that runs `az appconfig kv export`' },
  { name: 'AzureAppConfigurationExport', needs: ARM, instead: 'a script step that runs `az appconfig kv export`' },
  { name: 'AzureAppConfigurationImport', needs: ARM, instead: 'a script step that runs `az appconfig kv import`' },
  { name: 'AzureTestPlan', needs: 'Azure Test Plans', instead: 'a script step that runs the tests and a JUnit report' },
  { name: 'DownloadSecureFile', needs: 'the secure files library of an Azure DevOps project', instead: 'a file kept outside the repository, with its path given to the local run as a variable' },
  { name: 'NuGetAuthenticate', needs: FEED, instead: 'a nuget.config with credentials on this machine' },
  { name: 'PipAuthenticate', needs: FEED, instead: 'a pip.conf (or PIP_INDEX_URL) with credentials on this machine' },
  { name: 'TwineAuthenticate', needs: FEED, instead: 'a .pypirc (or TWINE_USERNAME and TWINE_PASSWORD mapped through `env:`)' },
  { name: 'npmAuthenticate', needs: FEED, instead: 'an .npmrc with credentials on this machine' },
  { name: 'MavenAuthenticate', needs: FEED, instead: 'a settings.xml with credentials on this machine' },
  { name: 'UniversalPackages', needs: FEED, instead: 'a script step that runs `az artifacts universal download`' },
  { name: 'Delay', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that runs `sleep`', agentless: true },
  { name: 'ManualValidation', needs: 'the Azure Pipelines server (agentless task)', instead: 'running the later stages by hand with `sluice run --stage`', agentless: true },
  { name: 'InvokeRESTAPI', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that runs `curl`', agentless: true },
  { name: 'AzureFunction', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that runs `curl` against the function URL', agentless: true },
  { name: 'AzureMonitor', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that runs `az monitor`', agentless: true },
  { name: 'AzurePolicyCheckGate', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that runs `az policy state list`', agentless: true },
  { name: 'PublishToAzureServiceBus', needs: 'the Azure Pipelines server (agentless task)', instead: 'a script step that sends the message with the Service Bus command line', agentless: true },
  { name: 'queryWorkItems', needs: 'the Azure Pipelines server (agentless task)', instead: 'removing the gate for local runs', agentless: true },
];

const TASK_INDEX = new Map(AZURE_ONLY_TASKS.map((task) => [task.name.toLowerCase(), task]));

/** Finds the row for a task name as written before `@` (case-insensitive), or undefined. */
export function findAzureOnlyTask(name: string): AzureOnlyTask | undefined {
  return TASK_INDEX.get(name.toLowerCase());
}
