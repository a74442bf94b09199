import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds an executable the way a shell does: a path with a separator is checked
 * as is, a bare name is searched in `searchPath`. Returns undefined when absent.
 */
export async function findExecutable(name: string, searchPath: string | undefined): Promise<string | undefined> {
  const isExecutable = (path: string): Promise<boolean> => access(path, constants.X_OK).then(() => true, () => false);
  if (isAbsolute(name) || name.includes('/') || name.includes('\\')) return (await isExecutable(name)) ? name : undefined;

  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const directory of (searchPath ?? '').split(delimiter)) {
    if (directory === '') continue;
    for (const extension of extensions) {
      const candidate = join(directory, name + extension);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}
