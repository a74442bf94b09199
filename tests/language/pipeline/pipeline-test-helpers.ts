import { fileURLToPath } from 'node:url';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';
import { normalizePipeline } from '../../../src/language/pipeline/normalize-pipeline.js';

/** Absolute path of a fixture under tests/fixtures/pipelines. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/pipelines/${name}`, import.meta.url));
}

/** Parses and normalises inline YAML, failing loudly if the YAML itself is invalid. */
export function normalizeText(text: string) {
  const loaded = loadYaml(text, 'inline.yml');
  if (!loaded.root) throw new Error('test YAML is empty');
  if (loaded.diagnostics.length > 0) throw new Error(`test YAML is invalid: ${loaded.diagnostics[0].message}`);
  return normalizePipeline(loaded.root, 'inline.yml');
}
