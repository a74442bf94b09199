import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepAttemptResult } from '../run-script-step.js';
import { logTask, type BuiltinTaskRun } from './builtin-task-run.js';
import { feedCredentials } from './feed-credentials.js';
import { addPostJobStep } from './task-job-state.js';

/** A `.pypirc` repository section. */
interface PypircSection {
  name: string;
  repository: string;
  username: string;
  password: string;
}

/** Reads the sections written by an earlier TwineAuthenticate step of this job, so a second run adds to them. */
function parsePypirc(text: string): PypircSection[] {
  const sections: PypircSection[] = [];
  let current: PypircSection | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) {
      current = header[1] === 'distutils' ? undefined : { name: header[1] as string, repository: '', username: '', password: '' };
      if (current) sections.push(current);
      continue;
    }
    const pair = /^(\w+)\s*=\s*(.*)$/.exec(line.trim());
    if (current && pair && (pair[1] === 'repository' || pair[1] === 'username' || pair[1] === 'password')) current[pair[1]] = pair[2] as string;
  }
  return sections;
}

function formatPypirc(sections: readonly PypircSection[]): string {
  const lines = ['[distutils]', `index-servers=${sections.map((section) => section.name).join(' ')}`];
  for (const section of sections) lines.push('', `[${section.name}]`, `repository=${section.repository}`, `username=${section.username}`, `password=${section.password}`);
  return `${lines.join('\n')}\n`;
}

/**
 * TwineAuthenticate@1: writes a `.pypirc` with one section per feed or
 * connection (named as in the input, for `twine upload -r <name>`), sets
 * PYPIRC_PATH, and removes the file in a "Post-job: TwineAuthenticate" step.
 * A later run in the same job replaces the section of the same name.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/twine-authenticate-v1
 */
export async function runTwineAuthenticate(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  const names = [inputs.text('artifactFeed'), inputs.text('pythonUploadServiceConnection')].filter((name) => name !== '');
  if (names.length === 0) {
    logTask(run, 'No feed or service connection was given; nothing to authenticate');
    return { result: 'succeeded' };
  }

  const previous = context.job.variables.value('PYPIRC_PATH');
  const sections = previous ? parsePypirc(await readFile(previous, 'utf8').catch(() => '')) : [];
  for (const name of names) {
    const feed = feedCredentials(run, name);
    // A feed written `project/feed` becomes the repository name `feed`, for `twine upload -r feed`.
    const sectionName = name.split('/').pop() as string;
    const section = { name: sectionName, repository: feed.url, username: feed.username, password: feed.password };
    const index = sections.findIndex((item) => item.name === sectionName);
    if (index >= 0) sections[index] = section;
    else sections.push(section);
  }

  const file = previous ?? join(context.workspace.tempDirectory, 'twineAuthenticate', randomUUID(), '.pypirc');
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, formatPypirc(sections), { encoding: 'utf8', mode: 0o600 });
  if (!previous) {
    context.job.variables.set('PYPIRC_PATH', file);
    context.job.events.variableSet(run.state.recordId, 'PYPIRC_PATH', file, false, false);
    addPostJobStep(context, {
    owner: run.state.recordId,
      displayName: 'Post-job: TwineAuthenticate',
      run: async (_context, state) => {
        await rm(file, { force: true });
        _context.job.events.log(state.recordId, 'stdout', `Removed ${file}`);
        return { result: 'succeeded' };
      },
    });
  }
  logTask(run, `Wrote credentials for ${names.join(', ')} to ${file}; use 'twine upload -r <name> --config-file $(PYPIRC_PATH)'`);
  return { result: 'succeeded' };
}
