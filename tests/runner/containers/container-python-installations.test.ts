import { describe, expect, it } from 'vitest';
import { parseContainerPythonSearch } from '../../../src/runner/containers/container-python-installations.js';

describe('parseContainerPythonSearch', () => {
  it('lists tool cache entries before PATH entries', () => {
    const output = [
      'path\t/usr/bin/python3\t["3.11.2", "cpython", "x86_64", "/usr"]',
      'cache\tPython\t/opt/tools/Python/3.12.1/x64',
      'cache\tPyPy\t/opt/tools/PyPy/3.9.18/x64',
    ].join('\n');

    const found = parseContainerPythonSearch(output);

    expect(found.map((item) => item.source)).toEqual(['container tool cache', 'container tool cache', 'container PATH']);
    expect(found[0]).toMatchObject({ implementation: 'cpython', architecture: 'x64', installDirectory: '/opt/tools/Python/3.12.1/x64' });
    expect(found[0]!.pathDirectories).toEqual(['/opt/tools/Python/3.12.1/x64/bin', '/opt/tools/Python/3.12.1/x64']);
    expect(found[1]!.implementation).toBe('pypy');
    expect(found[2]).toMatchObject({ architecture: 'x64', installDirectory: '/usr', pathDirectories: ['/usr/bin'] });
    expect(found[2]!.version).toMatchObject({ major: 3, minor: 11, patch: 2 });
  });

  it('skips lines it cannot parse', () => {
    const output = [
      'path\t/usr/bin/python\tTraceback (most recent call last):',
      'path\t/usr/bin/python3\t["not-a-version", "cpython", "x86_64", "/usr"]',
      'path\t/usr/bin/python3.9\t[3, 9]',
      'cache\tPython\t/opt/tools/Python/latest/x64',
      'unknown line',
      '',
    ].join('\n');

    expect(parseContainerPythonSearch(output)).toEqual([]);
  });
});
