// Timing of one `sluice run --output json` process and of the bash baseline.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

// Stops a hung run; a healthy run of either pipeline takes seconds.
const PROCESS_TIMEOUT_MS = 300_000;

/**
 * Spawns `command args` in its own process group and calls `onLine(line, ms)` for
 * each stdout line, with the milliseconds since spawn at which it arrived.
 * Resolves with the exit code, the total wall time in ms and the tail of stderr.
 */
function runTimed(command, args, cwd, onLine) {
  const started = performance.now();
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  let stderr = '';

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const arrived = performance.now() - started;
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line, arrived);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });

  const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), PROCESS_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (pending !== '') onLine(pending, wallMs);
      resolve({ exitCode, signal, wallMs, stderr });
    });
  });
}

/**
 * Runs `node SLUICE_BIN run --output json --work-dir WORK_DIR` once in `cwd` and
 * returns times in ms since spawn: the first step started (usually the checkout
 * that Sluice adds), the first log line of the first generated step, and the whole
 * process. Generated steps are those whose display name starts with `stepPrefix`.
 * Throws when the run failed or did not finish `expectedSteps` generated steps,
 * because timings of a broken run mean nothing.
 */
export async function measureSluiceRun({ sluiceBin, cwd, workDir, stepPrefix, expectedSteps }) {
  let firstStepStartedMs;
  let firstScriptStepId;
  let firstScriptLogMs;
  let succeededScriptSteps = 0;
  let summary;
  let invalidLine;

  const onLine = (line, arrivedMs) => {
    if (line.trim() === '') return;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      invalidLine ??= line;
      return;
    }

    const isScriptStep = event.record?.type === 'step' && event.record.displayName.startsWith(stepPrefix);
    if (event.type === 'record-started' && event.record.type === 'step') {
      firstStepStartedMs ??= arrivedMs;
      if (isScriptStep) firstScriptStepId ??= event.record.id;
    } else if (event.type === 'log' && event.recordId === firstScriptStepId) {
      firstScriptLogMs ??= arrivedMs;
    } else if (event.type === 'record-finished' && isScriptStep && event.result === 'succeeded') {
      succeededScriptSteps += 1;
    } else if (event.type === 'summary') {
      summary = event;
    }
  };
  const { exitCode, signal, wallMs, stderr } = await runTimed(
    process.execPath,
    [sluiceBin, 'run', '--output', 'json', '--work-dir', workDir],
    cwd,
    onLine,
  );

  if (invalidLine !== undefined) {
    throw new Error(`sluice run in ${cwd} printed a line that is not JSON: ${invalidLine.slice(0, 200)}`);
  }
  if (exitCode !== 0 || summary?.result !== 'succeeded') {
    throw new Error(
      `sluice run in ${cwd} ended with exit code ${exitCode}${signal ? ` (signal ${signal})` : ''} ` +
        `and result ${summary?.result ?? 'none'}; stderr:\n${stderr}`,
    );
  }
  if (succeededScriptSteps !== expectedSteps) {
    throw new Error(`sluice run in ${cwd} finished ${succeededScriptSteps} generated steps, expected ${expectedSteps}`);
  }
  return { firstStepStartedMs, firstScriptLogMs, wallMs };
}

/**
 * Spawns `count` × `bash --noprofile --norc -c true` one after another from a bash
 * loop and returns the wall time in ms: the cost of the steps' own processes.
 */
export async function measureBaseline(count, cwd) {
  const loop = `for ((i = 0; i < ${count}; i++)); do bash --noprofile --norc -c true; done`;
  const { exitCode, wallMs, stderr } = await runTimed('bash', ['--noprofile', '--norc', '-c', loop], cwd, () => {});
  if (exitCode !== 0) throw new Error(`baseline loop failed with exit code ${exitCode}: ${stderr}`);
  return { wallMs };
}
