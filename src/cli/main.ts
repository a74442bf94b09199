import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { PipelineError } from '../language/diagnostic.js';
import { ExitCode, processIo, type CliIo } from './cli-io.js';
import { formatDiagnostics } from './diagnostic-printer.js';
import type { RunCommandOptions } from './commands/run-command.js';
import type { ExpandCommandOptions } from './commands/expand-command.js';
import type { ListCommandOptions } from './commands/list-command.js';
import type { ServeCommandOptions } from './commands/serve-command.js';
import type { RepoAddOptions, RepoVariableSetOptions } from './commands/repo-command.js';
import type { AgentCommandOptions } from './commands/agent-command.js';
import { collectPairs, OptionError } from './option-parsing.js';
import { SourceFileSet } from '../language/source-file-set.js';
import { killLiveProcessGroups, listLiveProcessGroups } from '../runner/child-process-run.js';
import { formatCancelMessage, formatKilledGroups } from './run-interruption.js';
import { formatCliError } from './cli-error-message.js';

/** The package version, read once for `--version` and internal-error reports. */
export function sluiceVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/**
 * Runs the `sluice` command line and returns the exit code: 0 success, 1 a run
 * failed, 2 invalid input or usage, 130 canceled, 141 standard output closed by
 * its reader (steps killed), 70 a bug in Sluice.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cancel = new AbortController();
  // Every queued job listens for the cancel, so a large run has many listeners by design.
  setMaxListeners(0, cancel.signal);
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      io.stderr(formatCancelMessage(listLiveProcessGroups()));
      cancel.abort();
    } else {
      // Steps that trap SIGINT would outlive the CLI, reparented to PID 1, so they are killed first.
      io.stderr(`\nCtrl-C again: exiting now. ${formatKilledGroups(killLiveProcessGroups('SIGKILL'))}`);
      process.exit(ExitCode.canceled);
    }
  };
  process.on('SIGINT', onInterrupt);
  io.onStdoutClosed?.(() => {
    // Nobody reads the output any more, so the run is canceled at once and its steps killed.
    cancel.abort();
    const killed = killLiveProcessGroups('SIGKILL');
    if (killed.length > 0) io.stderr(`sluice: standard output was closed, so the run was canceled. ${formatKilledGroups(killed)}`);
    process.exit(ExitCode.stdoutClosed);
  });

  let exitCode: number = ExitCode.success;
  const program = buildProgram(io, cancel.signal, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  return exitCode;
}

// Commands are imported when they run, so `sluice --help` and `sluice eval` do not load the whole engine.
function buildProgram(io: CliIo, signal: AbortSignal, setExitCode: (code: number) => void): Command {
  const program = new Command('sluice')
    .description('Run Azure Pipelines YAML on your own machines')
    .version(sluiceVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command('run')
    .description('Run the pipeline on this machine')
    .argument('[file]', 'pipeline file (default: azure-pipelines.yml in this folder or at the repository root)')
    .option('--stage <name>', 'run only this stage, with the stages it depends on')
    .option('--job <name>', 'run only this job, with the jobs it depends on')
    .option('--no-deps', 'with --stage or --job, leave out what the selection depends on')
    .option('--variable <name=value>', 'set a queue-time variable (repeatable); overrides pipeline-level values', collectPairs)
    .option('--branch <name>', 'the branch that Build.SourceBranch and conditions see (default: the checked-out branch)')
    .option('--jobs <count>', 'most jobs to run at once (default: the number of CPU cores)')
    .option('--in-place', 'run in the checkout itself instead of a copy of it')
    .option('--dry-run', 'show the plan and the conditions known before the run, and run nothing')
    .option('--output <format>', "'text' (default) or 'json': one event per line, the summary last")
    .option('--verbose', 'stream the output of every step, prefixed by its job')
    .option('--platform <image=host>', 'run jobs for this pool image on this machine, e.g. windows-latest=host (repeatable)', collectPairs)
    .option('--parameter <name=value>', 'a runtime parameter value (repeatable); checked against its type and values', collectPairs)
    .option('--repository <alias=path>', 'a local checkout for a repository resource used by templates or checkout (repeatable)', collectPairs)
    .option('--secret <name=value>', 'a secret variable (repeatable); NAME alone takes the value of the environment variable NAME', collectPairs)
    .option('--secrets-file <file>', 'secret variables, one NAME=VALUE per line')
    .option('--tasks <dir>', 'a folder with task packages (task.json and handler) to make runnable (repeatable)', collectPairs)
    .option('--service-connections <file>', 'JSON file of service connections for tasks such as PipAuthenticate@1')
    .option('--source-dir <dir>', 'root of the checkout to run (default: the git work tree holding the pipeline file)')
    .option('--work-dir <dir>', 'folder for run workspaces (default: a folder for this repository under the system temp folder)')
    .option('--variable-group <name=file>', 'values of variable group NAME from a YAML or JSON file (repeatable)', collectPairs)
    .option('--reason <reason>', 'Build.Reason of the run: Manual (default), IndividualCI, BatchedCI, PullRequest or Schedule')
    .option('--pr-target <branch>', 'with --reason PullRequest, the target branch (default: main)')
    .action(async (file: string | undefined, options: RunCommandOptions) => {
      const { runRunCommand } = await import('./commands/run-command.js');
      setExitCode(await runRunCommand(file, options, io, signal));
    });

  program
    .command('list')
    .description('List the stages, jobs (matrix legs expanded) and steps of the pipeline')
    .argument('[file]', 'pipeline file')
    .option('--platform <image=host>', 'treat this pool image as runnable here (repeatable)', collectPairs)
    .option('--parameter <name=value>', 'a runtime parameter value (repeatable)', collectPairs)
    .option('--repository <alias=path>', 'a local checkout for a repository resource used by templates (repeatable)', collectPairs)
    .action(async (file: string | undefined, options: ListCommandOptions) => {
      const { runListCommand } = await import('./commands/list-command.js');
      setExitCode(await runListCommand(file, options, io));
    });

  program
    .command('expand')
    .description('Print the pipeline after template expansion, as Azure\'s "download full YAML" does')
    .argument('[file]', 'pipeline file')
    .option('--parameter <name=value>', 'a runtime parameter value (repeatable)', collectPairs)
    .option('--repository <alias=path>', 'a local checkout for a repository resource (repeatable)', collectPairs)
    .option('--branch <name>', 'the branch that Build.SourceBranch shows to template expressions')
    .option('--source-dir <dir>', 'root of the checkout (default: the git work tree holding the pipeline file)')
    .action(async (file: string | undefined, options: ExpandCommandOptions) => {
      const { runExpandCommand } = await import('./commands/expand-command.js');
      setExitCode(await runExpandCommand(file, options, io));
    });

  program
    .command('validate')
    .description('Check pipeline files without running them')
    .argument('[files...]', 'pipeline files (default: the repository pipeline)')
    .option('--format <format>', "'text' (default) or 'json'")
    .option('--parameter <name=value>', 'a runtime parameter value (repeatable)', collectPairs)
    .option('--repository <alias=path>', 'a local checkout for a repository resource used by templates (repeatable)', collectPairs)
    .option('--variable-group <name=file>', 'values of variable group NAME from a YAML or JSON file (repeatable)', collectPairs)
    .option('--variable <name=value>', 'a queue-time variable name to treat as defined (repeatable)', collectPairs)
    .option('--secret <name=value>', 'a secret variable name to treat as defined (repeatable)', collectPairs)
    .option('--reason <reason>', 'Build.Reason that template expressions see (default: Manual)')
    .option('--branch <name>', 'the branch that Build.SourceBranch shows to template expressions')
    .action(async (files: string[], options: { format?: string; parameter?: string[]; repository?: string[] }) => {
      const { runValidateCommand } = await import('./commands/validate-command.js');
      setExitCode(await runValidateCommand(files, options, io));
    });

  program
    .command('eval')
    .description('Evaluate an expression and print its value as JSON')
    .argument('<expression>', 'the expression, without ${{ }} or $[ ]')
    .option('--context <file>', 'JSON file with variables, parameters, dependencies, stageDependencies, jobStatus, canceled')
    .option('--as <mode>', "'runtime' (default), 'template', 'condition', or 'macro' to expand $(…) in a text")
    .action(async (expression: string, options: { context?: string; as?: 'template' | 'runtime' | 'condition' | 'macro' }) => {
      const { runEvalCommand } = await import('./commands/eval-command.js');
      setExitCode(await runEvalCommand(expression, options, io));
    });

  program
    .command('explain')
    .description('Explain where a variable gets its value, when it is resolved, and why it could be empty')
    .argument('<variable>', 'variable name (case-insensitive)')
    .argument('[file]', 'pipeline file')
    .option('--stage <name>', 'explain for the jobs of this stage')
    .option('--job <name>', 'explain for this job')
    .option('--variable <name=value>', 'a queue-time variable to take into account (repeatable)', collectPairs)
    .option('--variable-group <name=file>', 'values of variable group NAME from a YAML or JSON file (repeatable)', collectPairs)
    .option('--branch <name>', 'the branch that Build.SourceBranch shows (default: the checked-out branch)')
    .option('--reason <reason>', 'Build.Reason of the explained run (default: Manual)')
    .option('--format <format>', "'text' (default) or 'json'")
    .action(async (variable: string, file: string | undefined, options: { stage?: string; job?: string; variable?: string[]; format?: string }) => {
      const { runExplainCommand } = await import('./commands/explain-command.js');
      setExitCode(await runExplainCommand(variable, { ...options, file }, io));
    });

  program
    .command('schema')
    .description('Write a JSON Schema of the pipeline language for editors with a YAML language server')
    .option('--output <file>', 'write the schema to this file instead of standard output')
    .action(async (options: { output?: string }) => {
      const { runSchemaCommand } = await import('./commands/schema-command.js');
      setExitCode(await runSchemaCommand(options, io));
    });

  program
    .command('serve')
    .description('Run the Sluice server: API, web UI, triggers, and a built-in agent')
    .option('--data <dir>', 'data folder for the database, logs and artifacts (default: ~/.local/share/sluice)')
    .option('--listen <host:port>', 'address to listen on (default: 127.0.0.1:8080)')
    .option('--database <url>', "'sqlite' (default, under --data) or a postgres:// URL")
    .option('--no-local-agent', 'do not run jobs in the server process; only registered agents take them')
    .option('--log-level <level>', 'fatal, error, warn, info (default), debug or trace')
    .action(async (options: ServeCommandOptions) => {
      const { runServeCommand } = await import('./commands/serve-command.js');
      setExitCode(await runServeCommand(options, io, signal));
    });

  program
    .command('agent')
    .description('Take jobs from a Sluice server and run them on this machine')
    .requiredOption('--url <url>', 'server URL, such as http://127.0.0.1:8080')
    .option('--token <token>', 'agent registration token, needed until the agent has registered (default: $SLUICE_AGENT_TOKEN)')
    .option('--name <name>', 'agent name (default: the host name)')
    .option('--capability <key=value>', 'a capability that pool demands can match (repeatable)', collectPairs)
    .option('--pool <name>', "pool to take jobs from (default: 'Default')")
    .option('--work <dir>', 'folder for job workspaces and the agent identity (default: ./_work)')
    .option('--jobs <count>', 'jobs to run at once (default: 1)')
    .option('--heartbeat-interval <ms>', 'milliseconds between heartbeats')
    .option('--poll-wait <seconds>', 'seconds a long-poll for a job waits before asking again')
    .option('--replace', 'take over the registration of an agent with the same name')
    .action(async (options: AgentCommandOptions) => {
      const { runAgentCommand } = await import('./commands/agent-command.js');
      setExitCode(await runAgentCommand(options, io, sluiceVersion(), signal));
    });

  const repo = program.command('repo').description('Manage the repositories a server builds');
  repo
    .command('add')
    .description('Register a repository (any git remote or local path) with a server')
    .argument('<url>', 'git URL or local path of the repository')
    .option('--name <name>', 'pipeline name (default: the repository name)')
    .option('--yaml <path>', 'pipeline file in the repository (default: azure-pipelines.yml)')
    .option('--branch <name>', 'branch for manual runs (default: main)')
    .option('--server <url>', 'server URL (default: $SLUICE_SERVER)')
    .option('--token <token>', 'API token (default: $SLUICE_TOKEN)')
    .option('--data <dir>', "write to the server's data folder directly instead of calling its API")
    .option('--database <url>', "with --data: 'sqlite' (default) or a postgres:// URL")
    .action(async (url: string, options: RepoAddOptions) => {
      const { runRepoAddCommand } = await import('./commands/repo-command.js');
      setExitCode(await runRepoAddCommand(url, options, io));
    });
  repo
    .command('variable')
    .description("Manage a pipeline's variables on a server")
    .command('set')
    .description('Create or replace a pipeline variable; the value comes from --value or standard input')
    .argument('<name>', 'variable name: letters, digits, . and _')
    .requiredOption('--pipeline <name-or-id>', 'pipeline to set the variable on')
    .option('--value <value>', 'the value (default: read standard input, so a secret stays out of the shell history)')
    .option('--secret', 'store the value encrypted, never show it, and mask it in logs')
    .option('--allow-override', 'let a queue-time variable of the same name replace the value')
    .option('--server <url>', 'server URL (default: $SLUICE_SERVER)')
    .option('--token <token>', 'API token (default: $SLUICE_TOKEN)')
    .action(async (name: string, options: RepoVariableSetOptions) => {
      const { runRepoVariableSetCommand } = await import('./commands/repo-command.js');
      setExitCode(await runRepoVariableSetCommand(name, options, io));
    });

  return program;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version output exit 0; usage mistakes exit 2.
    return error.exitCode === 0 ? ExitCode.success : ExitCode.invalidInput;
  }
  if (error instanceof OptionError) {
    io.stderr(formatCliError(error.code, error.message, error.hint));
    return ExitCode.invalidInput;
  }
  if (error instanceof PipelineError) {
    io.stderr(formatDiagnostics(error.diagnostics, new SourceFileSet(), { color: io.color }));
    return ExitCode.invalidInput;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`internal error in sluice ${sluiceVersion()} (node ${process.version}): this is a bug in Sluice, please report it.\n${detail}\n`);
  return ExitCode.internalError;
}
