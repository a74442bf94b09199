import { describe, expect, it } from 'vitest';
import { resolveJobContainers } from '../../../src/orchestrator/resolve-job-containers.js';
import { createRunPlan } from '../../../src/plan/create-run-plan.js';
import { VariableSet } from '../../../src/plan/variable-set.js';
import { job, jobsPipeline, located, script } from '../../plan/helpers/pipeline-builder.js';
import { containerResource } from './container-test-environment.js';

const resources = { repositories: [], containers: [containerResource('python', 'python:3.12'), containerResource('pg', 'postgres:16')], other: {} };

function errorsOf(jobs: Parameters<typeof jobsPipeline>[0]): Array<{ code: string; message: string; hint?: string }> {
  const { diagnostics } = createRunPlan(jobsPipeline(jobs, { resources }), { hostOs: 'linux' });
  return diagnostics.filter((item) => item.severity === 'error').map((item) => ({ code: item.code, message: item.message, hint: item.hint }));
}

describe('container references in the plan', () => {
  it('accepts known service and target aliases', () => {
    const errors = errorsOf([
      job('Test', { container: located('python'), services: { db: 'pg' }, steps: [script('echo', { target: { container: 'host' } }), script('echo', { target: { container: 'db' } })] }),
    ]);

    expect(errors).toEqual([]);
  });

  it('reports an unknown service resource', () => {
    const errors = errorsOf([job('Test', { services: { cache: 'redis' } })]);

    expect(errors.map((error) => error.code)).toEqual(['PLAN014']);
    expect(errors[0]!.message).toBe("service 'cache' of job 'Test' names container resource 'redis', which resources.containers does not define");
    expect(errors[0]!.hint).toContain('use one of: python, pg');
  });

  it('reports an unknown step target', () => {
    const errors = errorsOf([job('Test', { steps: [script('echo', { target: { container: 'builder' } })] })]);

    expect(errors.map((error) => error.code)).toEqual(['PLAN015']);
    expect(errors[0]!.message).toContain("step target 'builder'");
  });
});

describe('resolveJobContainers', () => {
  it('resolves an alias, an image and services', () => {
    const byAlias = resolveJobContainers(job('A', { container: located('python'), services: { db: 'pg' } }), resources.containers, new VariableSet());
    const byImage = resolveJobContainers(job('B', { container: located('debian:12') }), resources.containers, new VariableSet());

    expect(byAlias.errors).toEqual([]);
    expect(byAlias.container?.image).toBe('python:3.12');
    expect(byAlias.services?.db?.image).toBe('postgres:16');
    expect(byImage.container).toMatchObject({ alias: 'container', image: 'debian:12' });
    expect(byImage.services).toBeUndefined();
  });

  it('evaluates a runtime expression and macros', () => {
    const variables = new VariableSet();
    variables.set('imageAlias', { value: 'python', isSecret: false, readonly: false });
    variables.set('tag', { value: '3.13', isSecret: false, readonly: false });

    const expression = resolveJobContainers(job('A', { container: located("$[ variables['imageAlias'] ]") }), resources.containers, variables);
    const macro = resolveJobContainers(job('B', { container: located('python:$(tag)') }), resources.containers, variables);

    expect(expression.container?.image).toBe('python:3.12');
    expect(macro.container?.image).toBe('python:3.13');
  });

  it('returns an error for an unknown service', () => {
    const resolved = resolveJobContainers(job('A', { services: { db: 'mysql' } }), resources.containers, new VariableSet());

    expect(resolved.errors).toHaveLength(1);
    expect(resolved.errors[0]).toContain('PLAN014');
  });
});
