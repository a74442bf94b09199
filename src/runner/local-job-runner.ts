import type { EventSink } from '../events/run-event.js';
import type { CheckoutStep, StepDefinition } from '../language/pipeline/pipeline-model.js';
import { killProcessGroup } from './child-process-run.js';
import { ContainerEngine, type ContainerEngineOptions } from './containers/container-engine.js';
import { removeJobContainers, startJobContainers } from './containers/job-containers.js';
import { SERVICE_HEALTH_TIMEOUT_MS } from './containers/service-health.js';
import { JobControl } from './job-control.js';
import { DEFAULT_MAX_LOG_LINE_LENGTH, JobEventWriter } from './job-event-writer.js';
import type { JobExecutor, JobOutcome, JobRequest } from './job-request.js';
import type { JobRunContext, ResolvedRunnerOptions } from './job-run-context.js';
import type { JobState } from './job-state.js';
import { JobVariables } from './job-variables.js';
import { buildPredefinedVariables, type AgentFacts } from './predefined-variables.js';
import { defaultPythonSearchLocations, type PythonSearchLocations } from './python-installations.js';
import { runStep } from './run-step.js';
import { checkoutLayout, type CheckoutLayout } from './checkout/checkout-layout.js';
import { SECRET_MASK, SecretMasker } from './secret-masker.js';
import { prepareWorkspace, type JobWorkspace } from './workspace.js';
import type { TaskPackage } from './task-packages/task-definition.js';
import { defaultNodeSearchLocations, type NodeSearchLocations } from './tasks/node-installations.js';
import { runPostJobSteps } from './tasks/post-job-steps.js';
import { connectionSecrets, type ServiceConnection } from './tasks/service-connections.js';
import { attachTaskJobState, taskJobStateOf, type TaskServices } from './tasks/task-job-state.js';

/** Settings of a LocalJobRunner; every field has a default. */
export interface LocalJobRunnerOptions {
  /** Path or name of PowerShell Core; default `pwsh` from PATH. */
  pwshPath?: string;
  /** Path or name of Windows PowerShell for `powershell` steps on Windows; default `powershell`. */
  windowsPowerShellPath?: string;
  /** Path or name of bash; default `bash` from PATH. */
  bashPath?: string;
  /** Maximum log line length in characters; longer lines are split into several LogEvents. */
  maxLogLineLength?: number;
  /** Environment the steps start from; default `process.env`. */
  baseEnvironment?: NodeJS.ProcessEnv;
  /** Search locations for UsePythonVersion; unset fields use the tool cache, pyenv, uv and PATH defaults. */
  pythonSearch?: Partial<PythonSearchLocations>;
  /** Unit of the retry back-off in milliseconds; default 1000 (retry n waits n² seconds, as in Azure). */
  retryBackoffUnitMs?: number;
  /** Container engine CLI and its settings; default `docker` with DOCKER_HOST from `baseEnvironment`. */
  containerEngine?: ContainerEngineOptions;
  /** Time each service container gets to become healthy, in milliseconds; default SERVICE_HEALTH_TIMEOUT_MS. */
  serviceHealthTimeoutMs?: number;
  /** Task packages from `sluice run --tasks DIR`, loaded with loadTaskPackages. */
  taskPackages?: readonly TaskPackage[];
  /** Service connections and feeds by lower-case name, from loadServiceConnections; their secrets are masked in every job. */
  serviceConnections?: ReadonlyMap<string, ServiceConnection>;
  /** Search locations of NodeTool@0 and UseNode@1. Unset fields use `$NVM_DIR` (or ~/.nvm), the tool cache and the running Node.js. */
  nodeSearch?: Partial<NodeSearchLocations>;
  /** Agent.Name of every job: the name the agent registered with; default the host name. */
  agentName?: string;
}

function implicitCheckoutStep(request: JobRequest): CheckoutStep {
  return {
    type: 'checkout',
    repository: 'self',
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location: request.steps[0]?.location ?? { file: '', line: 0, column: 0 },
  };
}

/** Build.SourcesDirectory and Build.Repository.LocalPath for the job's checkouts. */
function sourcesLayoutOf(request: JobRequest, workspace: JobWorkspace): CheckoutLayout {
  return checkoutLayout(request, workspace.buildDirectory, workspace.sourcesDirectory);
}

/**
 * Runs one job on this machine: prepares an agent-style workspace, checks out
 * the sources, runs each step in its own process group, applies logging
 * commands, and masks secrets in everything it emits.
 */
export class LocalJobRunner implements JobExecutor {
  private readonly resolved: ResolvedRunnerOptions;
  private readonly maxLogLineLength: number;
  private readonly taskServices: TaskServices;
  private readonly agentFacts: AgentFacts;

  constructor(options: LocalJobRunnerOptions = {}) {
    // A plain copy: every step copies this object, and each read of process.env is a call into the C++ runtime.
    const baseEnvironment = options.baseEnvironment ?? { ...process.env };
    this.resolved = {
      bashPath: options.bashPath ?? 'bash',
      pwshPath: options.pwshPath ?? 'pwsh',
      windowsPowerShellPath: options.windowsPowerShellPath ?? 'powershell',
      baseEnvironment,
      pythonSearch: { ...defaultPythonSearchLocations(baseEnvironment), ...options.pythonSearch },
      retryBackoffUnitMs: options.retryBackoffUnitMs ?? 1000,
      containerEngine: new ContainerEngine({ env: baseEnvironment, ...options.containerEngine }),
      serviceHealthTimeoutMs: options.serviceHealthTimeoutMs ?? SERVICE_HEALTH_TIMEOUT_MS,
    };
    this.maxLogLineLength = options.maxLogLineLength ?? DEFAULT_MAX_LOG_LINE_LENGTH;
    this.agentFacts = options.agentName === undefined ? {} : { agentName: options.agentName };
    this.taskServices = {
      taskPackages: options.taskPackages ?? [],
      serviceConnections: options.serviceConnections ?? new Map(),
      nodeSearch: { ...defaultNodeSearchLocations(baseEnvironment), ...options.nodeSearch },
    };
  }

  /** Runs `request` to the end. Cancellation through `signal` ends the job as `canceled`, not as a failure. */
  async runJob(request: JobRequest, sink: EventSink, signal: AbortSignal): Promise<JobOutcome> {
    const masker = new SecretMasker();
    for (const variable of Object.values(request.variables)) if (variable.isSecret) masker.add(variable.value);
    for (const connection of this.taskServices.serviceConnections.values()) for (const secret of connectionSecrets(connection)) masker.add(secret);
    const events = new JobEventWriter(sink, masker, this.maxLogLineLength);

    let workspace: JobWorkspace;
    try {
      workspace = await prepareWorkspace(request.workRoot, request.record.id, request.workspaceClean, request.workRootOwned);
    } catch (error) {
      const reason = masker.mask(`could not prepare the workspace under ${request.workRoot}: ${(error as Error).message}`);
      return { result: 'failed', reason, outputs: {}, variables: {} };
    }

    const control = new JobControl(signal, request.timeoutInMinutes, request.cancelTimeoutInMinutes);
    const context = this.createContext(request, workspace, control, masker, events);
    try {
      const containerFailure = await startJobContainers(context);
      if (containerFailure) return containerFailure;
      return await this.runSteps(context);
    } finally {
      control.dispose();
      // Like the agent's orphan-process cleanup: nothing a step started outlives the job.
      for (const group of context.processGroups) killProcessGroup(group, 'SIGKILL');
      await removeJobContainers(context);
      await workspace.release();
    }
  }

  private createContext(request: JobRequest, workspace: JobWorkspace, control: JobControl, masker: SecretMasker, events: JobEventWriter): JobRunContext {
    const variables = new JobVariables(request.variables);
    const layout = sourcesLayoutOf(request, workspace);
    const sourcesDirectory = layout.sourcesDirectory;
    for (const [name, value] of Object.entries(buildPredefinedVariables(request, workspace, { sourcesDirectory }, this.resolved.baseEnvironment, this.agentFacts))) {
      variables.set(name, value, { readonly: true });
    }
    variables.set('Build.Repository.LocalPath', layout.selfPath, { readonly: true });
    const job: JobState = {
      variables,
      masker,
      events,
      outputs: {},
      pathPrepends: [],
      buildTags: [],
      attachments: [],
      decodePercents: variables.value('DECODE_PERCENTS')?.trim().toLowerCase() !== 'false',
    };
    const context: JobRunContext = { request, options: this.resolved, job, workspace, control, sourcesDirectory, processGroups: new Set(), jobResult: 'succeeded' };
    attachTaskJobState(context, this.taskServices);
    return context;
  }

  private async runSteps(context: JobRunContext): Promise<JobOutcome> {
    const { request, job } = context;
    const first = request.firstStepIndex ?? 1;
    const steps: Array<{ step: StepDefinition; index: number }> = request.steps.map((step, i) => ({ step, index: first + i }));
    // The implicit checkout gets record index 0, so the steps keep the numbers of request.steps.
    if (request.implicitCheckout !== false && !request.steps.some((step) => step.type === 'checkout')) {
      steps.unshift({ step: implicitCheckoutStep(request), index: 0 });
    }

    let firstFailure: string | undefined;
    for (const { step, index } of steps) {
      const outcome = await runStep(context, step, index);
      if (outcome.result === 'failed' && firstFailure === undefined) {
        firstFailure = `step '${outcome.displayName}' failed${outcome.reason ? `: ${outcome.reason}` : ''}`;
      }
    }
    // Post-job steps (Cache@2's save, task packages' postjobexecution) get record numbers after the last step.
    await runPostJobSteps(context, first + request.steps.length);
    const taskState = taskJobStateOf(context);

    let result = context.jobResult;
    let reason = firstFailure;
    if (context.control.canceled) {
      result = 'canceled';
      reason = context.control.cancelReason;
      if (context.control.timedOut) job.events.issue(request.record.id, 'error', context.control.cancelReason ?? 'the job timed out');
    }
    return {
      result,
      reason: reason === undefined ? undefined : job.masker.mask(reason),
      outputs: { ...job.outputs },
      variables: Object.fromEntries(job.variables.all().map((variable) => [variable.name, variable.isSecret ? SECRET_MASK : job.masker.mask(variable.value)])),
      pythonVersion: job.pythonVersion,
      ...(taskState.testResults.length > 0 ? { testResults: taskState.testResults } : {}),
      ...(taskState.coverage.length > 0 ? { coverage: taskState.coverage } : {}),
    };
  }
}
