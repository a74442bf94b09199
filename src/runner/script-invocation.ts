import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessLaunch } from './child-process-run.js';

/** Shell and script of a script step or script task, after inputs are read and macros expanded. */
export type ScriptInvocation =
  | { shell: 'cmdline'; script: string }
  | { shell: 'bash'; script: string }
  | { shell: 'bash-file'; filePath: string; arguments: string }
  | {
      shell: 'powershell';
      /** True for PowerShell Core (`pwsh`); false for Windows PowerShell on Windows. */
      core: boolean;
      script?: string;
      filePath?: string;
      arguments?: string;
      errorActionPreference: string;
      /** Other preference variables (`WarningPreference` …) set when not `default`. */
      preferences: Record<string, string>;
      ignoreLASTEXITCODE: boolean;
    };

/** Executables the invocation needs, resolved by the caller. */
export interface ShellPaths {
  bash: string;
  pwsh?: string;
  windowsPowerShell?: string;
}

/** Valid `errorActionPreference` values of PowerShell@2, lower-cased. */
export const ERROR_ACTION_PREFERENCES = ['stop', 'continue', 'silentlycontinue'];

function quotePowerShell(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteBash(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Builds the PowerShell@2 wrapper: preferences first, the script, then the LASTEXITCODE epilogue (YAML schema, steps.powershell). */
export function buildPowerShellScript(invocation: Extract<ScriptInvocation, { shell: 'powershell' }>): string {
  const lines = [`$ErrorActionPreference = ${quotePowerShell(invocation.errorActionPreference)}`];
  for (const [name, value] of Object.entries(invocation.preferences)) {
    if (value.toLowerCase() !== 'default') lines.push(`$${name} = ${quotePowerShell(value)}`);
  }
  if (invocation.filePath !== undefined) lines.push(`. ${quotePowerShell(invocation.filePath)} ${invocation.arguments ?? ''}`.trimEnd());
  else lines.push(invocation.script ?? '');
  if (!invocation.ignoreLASTEXITCODE) {
    lines.push('if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }');
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes a script file. It stays readable by other users, because a step in a
 * service container may run as another user. Macros in it may have expanded to
 * secret values, so a local run keeps its folder private (LocalRunDirectory.reserveRun).
 * The write is synchronous, because for one small file that blocks this thread for
 * less time than a round trip to the file-batch worker delays the step. On a 2-core
 * Linux VM the 200-step benchmark pipeline took 932 ms instead of 1146 ms (medians of 5).
 */
function writeScript(path: string, content: string): void {
  writeFileSync(path, content);
}

/**
 * Writes the step's script into `tempDirectory` and returns the command that runs
 * it, following the shells Azure uses (learn.microsoft.com YAML schema for
 * steps.script, steps.bash, steps.pwsh and the CmdLine@2, Bash@3, PowerShell@2 tasks):
 * `bash --noprofile --norc <file>` for `script` (cmd.exe on Windows), `bash <file>`
 * for `bash`, `pwsh -NoLogo -NoProfile -NonInteractive -Command . '<file>'` for PowerShell.
 */
export function prepareScriptLaunch(
  invocation: ScriptInvocation,
  tempDirectory: string,
  shells: ShellPaths,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { launch: ProcessLaunch; displayCommand: string } {
  const base = join(tempDirectory, randomUUID());

  switch (invocation.shell) {
    case 'cmdline': {
      if (process.platform === 'win32') {
        const file = `${base}.cmd`;
        writeScript(file, invocation.script.replace(/\r?\n/g, '\r\n'));
        const args = ['/D', '/E:ON', '/V:OFF', '/S', '/C', `"CALL "${file}""`];
        return { launch: { file: env.ComSpec ?? 'cmd.exe', args, cwd, env, windowsVerbatimArguments: true }, displayCommand: `cmd.exe ${args.join(' ')}` };
      }
      const file = `${base}.sh`;
      writeScript(file, invocation.script);
      return { launch: { file: shells.bash, args: ['--noprofile', '--norc', file], cwd, env }, displayCommand: `${shells.bash} --noprofile --norc ${file}` };
    }
    case 'bash': {
      const file = `${base}.sh`;
      writeScript(file, invocation.script);
      return { launch: { file: shells.bash, args: [file], cwd, env }, displayCommand: `${shells.bash} ${file}` };
    }
    case 'bash-file': {
      // Bash@3 runs `exec bash '<file>' <arguments>` so that bash, not Sluice, splits the arguments.
      const file = `${base}.sh`;
      writeScript(file, `exec ${quoteBash(shells.bash)} ${quoteBash(invocation.filePath)} ${invocation.arguments}\n`);
      return { launch: { file: shells.bash, args: [file], cwd, env }, displayCommand: `${shells.bash} ${invocation.filePath} ${invocation.arguments}`.trimEnd() };
    }
    case 'powershell': {
      const file = `${base}.ps1`;
      writeScript(file, buildPowerShellScript(invocation));
      const executable = invocation.core ? shells.pwsh : shells.windowsPowerShell;
      if (!executable) throw new Error('PowerShell executable was not resolved before launch');
      const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', `. ${quotePowerShell(file)}`];
      return { launch: { file: executable, args, cwd, env }, displayCommand: `${executable} ${args.join(' ')}` };
    }
  }
}
