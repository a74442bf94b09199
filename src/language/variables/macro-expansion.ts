// Macro syntax `$(name)`: learn.microsoft.com/azure/devops/pipelines/process/variables
// ("Macro syntax variables", "Recursive expansion"). The scan follows the agent's
// VarUtil.ExpandValues in microsoft/azure-pipelines-agent.

const MACRO_PREFIX = '$(';
const MACRO_SUFFIX = ')';

/**
 * Deepest chain of variables whose values refer to other variables that is
 * expanded (`a` → `$(b)` → `$(c)` …). A macro past this depth is left literal.
 * NOTE: Azure documents recursive expansion but no depth; this limit is Sluice's.
 */
export const MAX_MACRO_DEPTH = 10;

/** One `$(name)` candidate in a text: the name between the brackets and the offset of `$`. */
export interface MacroReference {
  name: string;
  offset: number;
}

/**
 * Expands `$(name)` macros. A macro is `$(` followed by any text up to the next
 * `)`. When `lookup` returns a value, the value replaces the macro. Otherwise
 * the macro stays as written.
 *
 * Replaced text is not scanned again. A variable's value that itself contains
 * macros is expanded first, up to {@link MAX_MACRO_DEPTH} levels. When a value
 * refers back to a variable being expanded (directly or through others), that
 * inner macro stays literal. `lookup` decides case sensitivity, and Azure's
 * variable names ignore case.
 */
export function expandMacros(text: string, lookup: (name: string) => string | undefined): string {
  // `chain` contains the lower-cased names being expanded, outermost first.
  const expandText = (input: string, chain: string[]): string =>
    replaceMacros(input, (name) => {
      const key = name.toLowerCase();
      if (chain.length >= MAX_MACRO_DEPTH || chain.includes(key)) return undefined;
      const value = lookup(name);
      if (value === undefined) return undefined;
      return expandText(value, [...chain, key]);
    });

  return expandText(text, []);
}

/**
 * Replaces each macro for which `resolve` returns a value, scanning left to
 * right once. After a replacement the scan continues after the inserted text;
 * after a miss it continues one character past the `$`, as the agent does.
 */
function replaceMacros(text: string, resolve: (name: string) => string | undefined): string {
  let output = text;
  let start = 0;

  while (start < output.length) {
    const prefix = output.indexOf(MACRO_PREFIX, start);
    if (prefix < 0) break;
    const suffix = output.indexOf(MACRO_SUFFIX, prefix + MACRO_PREFIX.length);
    if (suffix < 0) break;

    const name = output.slice(prefix + MACRO_PREFIX.length, suffix);
    const value = name === '' ? undefined : resolve(name);
    if (value === undefined) {
      start = prefix + 1;
      continue;
    }
    output = output.slice(0, prefix) + value + output.slice(suffix + MACRO_SUFFIX.length);
    start = prefix + value.length;
  }
  return output;
}

/**
 * Lists every `$(name)` candidate that macro expansion would look up, in
 * order, with the offset of its `$`. As in the agent, the name is any text up
 * to the next `)`, so `$(a b)` gives the name `a b` and `$($(x))` gives both
 * `$(x` and `x`.
 */
export function findMacroReferences(text: string): MacroReference[] {
  const references: MacroReference[] = [];
  let start = 0;

  while (start < text.length) {
    const prefix = text.indexOf(MACRO_PREFIX, start);
    if (prefix < 0) break;
    const suffix = text.indexOf(MACRO_SUFFIX, prefix + MACRO_PREFIX.length);
    if (suffix < 0) break;

    const name = text.slice(prefix + MACRO_PREFIX.length, suffix);
    if (name !== '') references.push({ name, offset: prefix });
    start = prefix + 1;
  }
  return references;
}
