import type { GitSourceInfo } from '../runner/git-source-info.js';

/**
 * Predefined variables that Azure makes available to template expressions
 * (marked "available in templates" in learn.microsoft.com …/build/variables),
 * as a local manual run knows them.
 */
export function compileTimeVariables(source: GitSourceInfo): Record<string, string> {
  return {
    'Build.Reason': 'Manual',
    'Build.SourceBranch': source.branch,
    'Build.SourceBranchName': source.branchName,
    'Build.SourceVersion': source.commit,
    'Build.SourceVersionMessage': source.message,
    'Build.Repository.Provider': 'Git',
  };
}
