import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A git repository in a temp folder, with one commit of the given files on `main`. */
export interface TempRepository {
  path: string;
  remove(): void;
}

export function createTempRepository(files: Record<string, string>, options: { branch?: string; commit?: boolean } = {}): TempRepository {
  const path = mkdtempSync(join(tmpdir(), 'sluice-test-repo-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: path, stdio: 'ignore' });
  };
  git('init', '-q', '-b', options.branch ?? 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'Sluice Test');
  if (options.commit !== false) {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'Initial commit');
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
