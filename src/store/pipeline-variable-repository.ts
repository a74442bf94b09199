import type { Kysely } from 'kysely';
import { findPredefinedVariable, isUserSettablePredefined } from '../language/validation/predefined-variable-names.js';
import { isReservedVariableName } from '../runner/environment-name.js';
import type { Store } from './open-store.js';
import type { SecretBox } from './secret-box.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreSchema } from './store-schema.js';

/** Maximum length of a pipeline variable name, in characters. */
export const MAX_PIPELINE_VARIABLE_NAME_LENGTH = 200;

/** Maximum length of a pipeline variable value, in characters. Sluice chose it to bound the table; it is not an Azure limit. */
export const MAX_PIPELINE_VARIABLE_VALUE_LENGTH = 65_536;

/** Variable names: letters, digits, `.` and `_`, the characters the language layer accepts in `variables:` names. */
const VARIABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._]*$/;

/** A row of `pipeline_variables` (schema migration 6). */
export interface PipelineVariableTable {
  pipeline_id: number;
  /** Lower-case name: the primary key, because variable names are case-insensitive. */
  name_key: string;
  /** The name as the user spelled it. */
  name: string;
  /** Clear value of a plain variable; null for a secret. */
  value: string | null;
  /** SecretBox envelope of a secret's value; null for a plain variable. */
  value_sealed: string | null;
  is_secret: number;
  allow_override: number;
  updated_at: string;
}

type PipelineVariableTables = { pipeline_variables: PipelineVariableTable };

/** A variable to create or replace. */
export interface PipelineVariableInput {
  name: string;
  /** The value; undefined keeps the stored one, which is allowed unless a secret becomes plain. */
  value?: string;
  /** Secret values are encrypted at rest, never returned, and masked in logs; default false. */
  isSecret?: boolean;
  /** Lets a queue-time variable of the same name replace the value ("settable at queue time"); default false. */
  allowOverride?: boolean;
}

/** A pipeline variable as the API shows it: a secret has no `value`. */
export interface PipelineVariableView {
  name: string;
  value?: string;
  isSecret: boolean;
  allowOverride: boolean;
  updatedAt: string;
}

/** A pipeline variable with its clear value, for the run that uses it. */
export interface PipelineVariable {
  name: string;
  value: string;
  isSecret: boolean;
  allowOverride: boolean;
}

/**
 * The variables a user defines on the server for one pipeline, like the
 * variables of Azure's pipeline settings UI. Secret values are sealed with the
 * server key and bound to the pipeline and name, so a sealed value copied to
 * another row does not decrypt.
 */
export class PipelineVariableRepository {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
  ) {}

  /** Lists the variables of a pipeline by name, secrets without their value. */
  async list(pipelineId: number): Promise<PipelineVariableView[]> {
    const rows = await this.db().selectFrom('pipeline_variables').selectAll().where('pipeline_id', '=', pipelineId).orderBy('name_key').execute();
    return rows.map(toView);
  }

  /** Returns the variables of a pipeline with their values decrypted; only the run path calls this. */
  async values(pipelineId: number): Promise<PipelineVariable[]> {
    const rows = await this.db().selectFrom('pipeline_variables').selectAll().where('pipeline_id', '=', pipelineId).orderBy('name_key').execute();
    return rows.map((row) => ({
      name: row.name,
      value: row.is_secret === 1 ? this.secrets.open(row.value_sealed ?? '', sealContext(pipelineId, row.name_key)) : (row.value ?? ''),
      isSecret: row.is_secret === 1,
      allowOverride: row.allow_override === 1,
    }));
  }

  /**
   * Creates or replaces a variable. Throws STORE017 for an invalid name or a
   * missing value, and STORE007 for a secret when the store has no server key.
   * Messages name the variable, never its value.
   */
  async set(pipelineId: number, input: PipelineVariableInput): Promise<PipelineVariableView> {
    checkName(input.name);
    const key = input.name.toLowerCase();
    const isSecret = input.isSecret ?? false;
    const existing = await this.db().selectFrom('pipeline_variables').selectAll().where('pipeline_id', '=', pipelineId).where('name_key', '=', key).executeTakeFirst();

    const value = input.value ?? this.keptValue(pipelineId, input.name, existing, isSecret);
    if (value.length > MAX_PIPELINE_VARIABLE_VALUE_LENGTH) {
      throw invalid(`the value of pipeline variable '${input.name}' has ${value.length} characters, more than ${MAX_PIPELINE_VARIABLE_VALUE_LENGTH}`, 'store a shorter value, or a file in the repository');
    }

    const row: PipelineVariableTable = {
      pipeline_id: pipelineId,
      name_key: key,
      name: input.name,
      value: isSecret ? null : value,
      value_sealed: isSecret ? this.secrets.seal(value, sealContext(pipelineId, key)) : null,
      is_secret: isSecret ? 1 : 0,
      allow_override: input.allowOverride === true ? 1 : 0,
      updated_at: new Date().toISOString(),
    };
    const { pipeline_id: _pipelineId, name_key: _key, ...changes } = row;
    await this.db()
      .insertInto('pipeline_variables')
      .values(row)
      .onConflict((conflict) => conflict.columns(['pipeline_id', 'name_key']).doUpdateSet(changes))
      .execute();
    return toView(row);
  }

  /** Deletes a variable, matching the name case-insensitively; returns false when there was none. */
  async delete(pipelineId: number, name: string): Promise<boolean> {
    const result = await this.db().deleteFrom('pipeline_variables').where('pipeline_id', '=', pipelineId).where('name_key', '=', name.toLowerCase()).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Returns the stored value for a set without `value`. A secret does not become plain with its old value, because that would reveal it. */
  private keptValue(pipelineId: number, name: string, existing: PipelineVariableTable | undefined, isSecret: boolean): string {
    if (existing === undefined) throw invalid(`pipeline variable '${name}' does not exist, so it needs a value`, 'give the value');
    if (existing.is_secret === 0) return existing.value ?? '';
    if (!isSecret) throw invalid(`secret pipeline variable '${name}' cannot become plain without a new value`, 'give the new value, or keep it secret');
    return this.secrets.open(existing.value_sealed ?? '', sealContext(pipelineId, existing.name_key));
  }

  private db(): Kysely<StoreSchema & PipelineVariableTables> {
    return this.store.db.withTables<PipelineVariableTables>() as unknown as Kysely<StoreSchema & PipelineVariableTables>;
  }
}

/**
 * Rejects names that Azure would not pass to steps or that would shadow a
 * predefined variable, which is read-only in a run so the value would be ignored.
 */
function checkName(name: string): void {
  if (name.length === 0 || name.length > MAX_PIPELINE_VARIABLE_NAME_LENGTH || !VARIABLE_NAME.test(name)) {
    throw invalid(
      `invalid pipeline variable name '${name.slice(0, MAX_PIPELINE_VARIABLE_NAME_LENGTH)}'`,
      `use 1 to ${MAX_PIPELINE_VARIABLE_NAME_LENGTH} letters, digits, '.' and '_', not starting with '.'`,
    );
  }
  if (isReservedVariableName(name)) {
    throw invalid(`pipeline variable name '${name}' starts with a prefix that Azure reserves (endpoint, input, secret, path, securefile)`, 'choose another name; such variables never reach steps');
  }
  if (findPredefinedVariable(name) !== undefined && !isUserSettablePredefined(name)) {
    throw invalid(`pipeline variable name '${name}' is a predefined variable, which a run sets itself`, 'choose a name that no predefined variable has (see learn.microsoft.com/azure/devops/pipelines/build/variables)');
  }
}

function toView(row: PipelineVariableTable): PipelineVariableView {
  const view: PipelineVariableView = { name: row.name, isSecret: row.is_secret === 1, allowOverride: row.allow_override === 1, updatedAt: row.updated_at };
  if (row.is_secret === 0) view.value = row.value ?? '';
  return view;
}

function sealContext(pipelineId: number, nameKey: string): string {
  return `pipeline ${pipelineId} variable ${nameKey}`;
}

function invalid(message: string, hint: string): StoreError {
  return new StoreError(StoreErrorCode.InvalidArgument, message, hint);
}
