import type { Diagnostic } from '../../language/diagnostic.js';
import { loadYaml } from '../../language/yaml/load-yaml.js';
import { findEntry } from '../../language/yaml/yaml-node.js';
import type { Pipeline } from '../../store/pipeline-repository.js';
import { impliedTrigger, parseCiTrigger } from '../../triggers/parse-ci-trigger.js';
import { impliedPrTrigger, parsePrTrigger } from '../../triggers/parse-pr-trigger.js';
import { parseSchedules } from '../../triggers/parse-schedules.js';
import type { CiTrigger, PrTrigger, ScheduleTrigger } from '../../triggers/trigger-filters.js';
import type { MirrorGit } from './mirror-git.js';

/** The trigger sections of a pipeline file at one commit. */
export interface PipelineTriggers {
  /** False when the commit has no pipeline file at the pipeline's YAML path: nothing runs for it. */
  found: boolean;
  ci: CiTrigger;
  pr: PrTrigger;
  schedules: ScheduleTrigger[];
  /** Problems of the file or of its `trigger`, `pr` and `schedules` values, with positions. */
  diagnostics: Diagnostic[];
}

/** Maximum number of parsed files kept; the entries are small, and a commit's file never changes. */
export const TRIGGER_CACHE_SIZE = 500;

/**
 * Reads the `trigger`, `pr` and `schedules` sections of a pipeline file at a
 * commit from the server's mirror, as Azure Pipelines reads the YAML of the
 * commit being built (learn.microsoft.com/azure/devops/pipelines/repos/github#ci-triggers:
 * "the YAML file in the branch being pushed"). Results are cached by commit.
 */
export class PipelineTriggerReader {
  private readonly cache = new Map<string, PipelineTriggers>();

  constructor(private readonly git: MirrorGit) {}

  /** Returns the trigger sections of `pipeline`'s file at `commit`; the mirror must already have the commit. */
  async read(pipeline: Pipeline, commit: string): Promise<PipelineTriggers> {
    const key = `${pipeline.id}:${commit}:${pipeline.yamlPath}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;

    const text = await this.git.readFile(pipeline.id, commit, pipeline.yamlPath);
    const triggers = text === undefined ? missingFile() : parseTriggerSections(text, pipeline.yamlPath);
    this.cache.set(key, triggers);
    if (this.cache.size > TRIGGER_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return triggers;
  }
}

/**
 * Parses the root `trigger`, `pr` and `schedules` keys of a pipeline file.
 * A file that does not parse still yields the implied triggers, so a push
 * queues a run that fails with the file's errors, as in Azure.
 */
export function parseTriggerSections(text: string, file: string): PipelineTriggers {
  const loaded = loadYaml(text, file);
  const diagnostics = [...loaded.diagnostics];
  const root = loaded.root?.kind === 'mapping' ? loaded.root : undefined;
  const value = (key: string) => (root === undefined ? undefined : findEntry(root, key)?.value);

  const ci = parseCiTrigger(value('trigger'));
  const pr = parsePrTrigger(value('pr'));
  const schedules = parseSchedules(value('schedules'));
  diagnostics.push(...ci.diagnostics, ...pr.diagnostics, ...schedules.diagnostics);
  return { found: true, ci: ci.trigger, pr: pr.trigger, schedules: schedules.schedules, diagnostics };
}

function missingFile(): PipelineTriggers {
  return { found: false, ci: impliedTrigger(), pr: impliedPrTrigger(), schedules: [], diagnostics: [] };
}
