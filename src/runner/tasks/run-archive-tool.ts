import { execFile } from 'node:child_process';
import { RunnerErrorCode } from '../runner-error-codes.js';
import { TaskStepError } from './task-step-error.js';

/** Most bytes of output kept from `zip` or `unzip`; they print a line per file. */
const MAX_TOOL_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs `zip` or `unzip` and returns its output lines. A missing command or a
 * non-zero exit raises TaskStepError RUN018 with the tool's own message.
 */
export async function runArchiveTool(label: string, file: string, args: string[], cwd: string, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { cwd, signal, maxBuffer: MAX_TOOL_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolvePromise(stdout.split(/\r?\n/).filter((line) => line !== ''));
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: the '${file}' command was not found on PATH; install it (for example 'apt-get install ${file}')`));
        return;
      }
      const detail = stderr.trim().split(/\r?\n/).slice(-3).join(' ') || error.message;
      reject(new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: '${file}' failed with exit code ${String(error.code)}: ${detail}`));
    });
  });
}
