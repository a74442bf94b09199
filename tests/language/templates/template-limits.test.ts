import { describe, expect, it } from 'vitest';
import { MAX_EXPANDED_NODES, MAX_TEMPLATE_DEPTH, MAX_TEMPLATE_FILES, MAX_TEMPLATE_TEXT_CHARACTERS } from '../../../src/language/templates/template-limits.js';
import { expandFiles } from './expand-case.js';

function codes(result: { diagnostics: { code: string }[] }): string[] {
  return result.diagnostics.map((diagnostic) => diagnostic.code);
}

/** Builds a chain of templates t1.yml → t2.yml → … → t<count>.yml, each adding one step. */
function templateChain(count: number): Record<string, string> {
  const files: Record<string, string> = { 'azure-pipelines.yml': 'steps:\n- template: t1.yml\n' };
  for (let level = 1; level <= count; level += 1) {
    const next = level < count ? `- template: t${level + 1}.yml\n` : '';
    files[`t${level}.yml`] = `steps:\n- script: echo ${level}\n${next}`;
  }
  return files;
}

/** Builds a pipeline that includes `count` different sibling templates. */
function siblingTemplates(count: number): Record<string, string> {
  const references = Array.from({ length: count }, (_, index) => `- template: s${index}.yml\n`).join('');
  const files: Record<string, string> = { 'azure-pipelines.yml': `steps:\n${references}` };
  for (let index = 0; index < count; index += 1) files[`s${index}.yml`] = `steps:\n- script: echo ${index}\n`;
  return files;
}

describe('template limits', () => {
  it('accepts nesting up to the limit', async () => {
    const result = await expandFiles(templateChain(MAX_TEMPLATE_DEPTH));

    expect(codes(result)).toEqual([]);
  });

  it('rejects nesting past the limit', async () => {
    const result = await expandFiles(templateChain(MAX_TEMPLATE_DEPTH + 1));

    expect(codes(result)).toEqual(['TPL006']);
    expect(result.diagnostics[0].location?.file).toBe(`t${MAX_TEMPLATE_DEPTH}.yml`);
    expect(result.diagnostics[0].message).toContain(`${MAX_TEMPLATE_DEPTH} levels`);
  });

  it('accepts the maximum number of files', async () => {
    const result = await expandFiles(siblingTemplates(MAX_TEMPLATE_FILES));

    expect(codes(result)).toEqual([]);
  });

  it('rejects one file too many', async () => {
    const result = await expandFiles(siblingTemplates(MAX_TEMPLATE_FILES + 1));

    expect(codes(result)).toEqual(['TPL005']);
    expect(result.diagnostics[0].location?.line).toBe(MAX_TEMPLATE_FILES + 2);
  });

  it('counts a file included twice once', async () => {
    const references = Array.from({ length: MAX_TEMPLATE_FILES + 20 }, () => '- template: same.yml\n').join('');
    const result = await expandFiles({ 'azure-pipelines.yml': `steps:\n${references}`, 'same.yml': 'steps:\n- script: echo same\n' });

    expect(codes(result)).toEqual([]);
  });

  it('stops a runaway each loop', async () => {
    const items = Array.from({ length: 200 }, (_, index) => String(index)).join(', ');
    const pipeline = [
      'parameters:',
      '- name: many',
      '  type: object',
      `  default: [${items}]`,
      'steps:',
      '- ${{ each a in parameters.many }}:',
      '  - ${{ each b in parameters.many }}:',
      '    - ${{ each c in parameters.many }}:',
      '      - script: echo ${{ a }} ${{ b }} ${{ c }}',
      '',
    ].join('\n');
    const result = await expandFiles({ 'azure-pipelines.yml': pipeline });

    expect(codes(result)).toEqual(['TPL007']);
    expect(result.diagnostics[0].message).toContain(String(MAX_EXPANDED_NODES));
  });

  it('rejects templates past the text budget', async () => {
    const line = `- script: echo ${'x'.repeat(1000)}\n`;
    const big = `steps:\n${line.repeat(Math.ceil(MAX_TEMPLATE_TEXT_CHARACTERS / line.length) + 1)}`;
    const result = await expandFiles({ 'azure-pipelines.yml': 'steps:\n- template: big.yml\n', 'big.yml': big });

    expect(codes(result)).toEqual(['TPL007']);
  });
});
