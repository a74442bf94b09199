/**
 * Azure Pipelines wildcards for branch, tag and path filters: `*` matches zero
 * or more characters and `?` matches one character; paths also take `**`
 * (learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#wildcards).
 * Every other character, `[`, `{`, `!` and `\` included, is literal, which is
 * why this is not picomatch: its brackets, braces and negation would give
 * those characters meanings that Azure does not.
 */

/**
 * Compiles a branch or tag pattern. The docs put no limit on `*` crossing `/`,
 * so `releases/*` matches `releases/v1/hotfix` too.
 */
export function compileRefPattern(pattern: string): RegExp {
  let source = '';
  for (const character of pattern) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Compiles a path pattern: `*` and `?` stay inside one folder level and `**`
 * spans any number of levels, as in the docs' example `src/app/**\/myapp*`.
 */
export function compilePathPattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index];
    if (character === '*' && pattern[index + 1] === '*') {
      const followedBySlash = pattern[index + 2] === '/';
      source += followedBySlash ? '(?:.*/)?' : '.*';
      index += followedBySlash ? 2 : 1;
    } else if (character === '*') {
      source += '[^/]*';
    } else if (character === '?') {
      source += '[^/]';
    } else {
      source += escapeRegExp(character);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when the pattern has a wildcard character. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

function escapeRegExp(character: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(character) ? `\\${character}` : character;
}
