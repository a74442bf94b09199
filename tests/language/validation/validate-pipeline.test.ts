import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../src/language/validation/validate-pipeline.js';
import { normalizeText } from '../pipeline/pipeline-test-helpers.js';

function definitionOf(lines: string[]) {
  const normalized = normalizeText(lines.join('\n') + '\n');
  expect(normalized.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return normalized.definition!;
}

function warnings(lines: string[], options?: Parameters<typeof validatePipeline>[1]) {
  return validatePipeline(definitionOf(lines), options);
}

function withCode(lines: string[], code: string, options?: Parameters<typeof validatePipeline>[1]) {
  return warnings(lines, options).filter((diagnostic) => diagnostic.code === code);
}

describe('local-only features', () => {
  it('reports a variable group without local definition', () => {
    const found = withCode(['variables:', '- group: release-secrets', '- name: a', '  value: b', 'steps:', '- script: echo $(a)'], 'VAL001');
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toContain("'release-secrets'");
    expect(found[0]!.hint).toContain('--variable-group');
    expect(found[0]!.location).toMatchObject({ file: 'inline.yml', line: 2 });
  });

  it('accepts a variable group defined locally, in any case', () => {
    const lines = ['variables:', '- group: Release-Secrets', 'steps:', '- script: echo hi'];
    expect(withCode(lines, 'VAL001', { knownVariableGroups: ['release-secrets'] })).toEqual([]);
  });

  it('reports service connections and Azure-only tasks', () => {
    const lines = [
      'steps:',
      '- task: AzureCLI@2',
      '  inputs:',
      '    azureSubscription: prod-connection',
      '    scriptType: bash',
      '    inlineScript: az group list',
      '- task: Docker@2',
      '  inputs:',
      '    containerRegistry: my-registry',
      '    command: push',
    ];
    const all = warnings(lines);
    const azureOnly = all.filter((diagnostic) => diagnostic.code === 'VAL003');
    expect(azureOnly).toHaveLength(1);
    expect(azureOnly[0]!.message).toContain("'AzureCLI@2'");
    expect(azureOnly[0]!.hint).toContain('az login');
    expect(azureOnly[0]!.location?.line).toBe(2);

    // VAL003 already reports that the Azure-only task cannot run locally, so only Docker's connection is VAL002.
    const connections = all.filter((diagnostic) => diagnostic.code === 'VAL002');
    expect(connections.map((diagnostic) => diagnostic.location?.line)).toEqual([7]);
    expect(connections[0]!.message).toContain("'my-registry'");
  });

  it('accepts known service connections', () => {
    const lines = ['steps:', '- task: Docker@2', '  inputs:', '    containerRegistry: My-Registry'];
    expect(withCode(lines, 'VAL002', { knownServiceConnections: ['my-registry'] })).toEqual([]);
  });

  it('reports a pool server once', () => {
    const lines = [
      'pool: server',
      'jobs:',
      '- job: Wait',
      '  steps:',
      '  - task: Delay@1',
      '    inputs: { delayForMinutes: "1" }',
      '- job: Approve',
      '  steps:',
      '  - task: ManualValidation@0',
    ];
    const found = withCode(lines, 'VAL004');
    expect(found).toHaveLength(1);
    expect(found[0]!.location?.line).toBe(1);
    expect(found[0]!.message).toContain("'pool: server'");
    expect(withCode(lines, 'VAL003').map((diagnostic) => diagnostic.message)).toEqual([
      expect.stringContaining("'Delay@1'"),
      expect.stringContaining("'ManualValidation@0'"),
    ]);
  });

  it('reports pipeline resources by alias', () => {
    const lines = [
      'resources:',
      '  pipelines:',
      '  - pipeline: upstream',
      '    source: Upstream-CI',
      '  webhooks:',
      '  - webhook: hook',
      '    connection: c',
      'steps:',
      '- script: echo hi',
    ];
    const found = withCode(lines, 'VAL005');
    expect(found.map((diagnostic) => diagnostic.message)).toEqual([
      expect.stringContaining("resources.pipelines ('upstream')"),
      expect.stringContaining("resources.webhooks ('hook')"),
    ]);
  });
});

describe('undefined macros', () => {
  const header = ['variables:', '  configuration: Release', '  tox.env: py312'];

  it('reports an undefined name in each checked field', () => {
    const lines = [
      ...header,
      'steps:',
      '- script: echo $(configuraton) $(pwd)',
      '  displayName: Build $(flavour)',
      '  workingDirectory: $(rootDir)',
      '  env:',
      '    TOKEN: $(apiToken)',
      '- task: PythonScript@0',
      '  inputs:',
      '    arguments: --env $(tox.environment)',
    ];
    const found = withCode(lines, 'VAL006');
    expect(found.map((diagnostic) => diagnostic.message.match(/'\$\(([^)]*)\)'/)?.[1])).toEqual([
      'flavour',
      'configuraton',
      'rootDir',
      'apiToken',
      'tox.environment',
    ]);
    expect(found[1]!.hint).toContain("Did you mean '$(configuration)'");
    expect(found[1]!.message).toContain('script');
    expect(found[3]!.message).toContain("env 'TOKEN'");
    expect(found[0]!.location?.line).toBe(5);
    expect(found[4]!.location?.line).toBe(10);
  });

  it('accepts predefined, matrix and step-set names', () => {
    const lines = [
      ...header,
      'jobs:',
      '- job: Test',
      '  variables:',
      '    jobOnly: x',
      '  strategy:',
      '    matrix:',
      '      linux: { python.version: "3.12" }',
      '  steps:',
      '  - script: |',
      '      echo "##vso[task.setvariable variable=wheelPath]dist/a.whl"',
      '      echo "##vso[task.setvariable variable=tag;isOutput=true]v1"',
      '    name: setVars',
      '  - script: echo $(Build.SourcesDirectory) $(python.version) $(jobOnly) $(CONFIGURATION) $(wheelPath) $(setVars.tag)',
      '    env:',
      '      TOKEN: $(System.AccessToken)',
      '      REPO: $(resources.repositories.self.name)',
    ];
    expect(withCode(lines, 'VAL006')).toEqual([]);
  });

  it('reports a name set only by a later step', () => {
    const lines = [
      'steps:',
      '- script: echo $(late)',
      '- script: echo "##vso[task.setvariable variable=late]1"',
    ];
    const found = withCode(lines, 'VAL006');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("'$(late)'");
    expect(found[0]!.message).toContain('only step #2 (script) sets');
  });

  it('skips jobs that a variable group can extend', () => {
    const lines = ['variables:', '- group: shared', 'steps:', '- script: echo $(fromGroup)'];
    expect(withCode(lines, 'VAL006')).toEqual([]);
  });
});

describe('constant conditions', () => {
  it('reports literal and constant conditions at each level', () => {
    const lines = [
      'stages:',
      '- stage: A',
      '  condition: false',
      '  jobs:',
      '  - job: J',
      "    condition: eq('a', 'A')",
      '    steps:',
      '    - script: echo 1',
      "      condition: and(succeeded(), eq(variables['Build.Reason'], 'Manual'))",
      '    - script: echo 2',
      "      condition: ne(length('abc'), 3)",
      '    - script: echo 3',
      '      condition: always()',
    ];
    const found = withCode(lines, 'VAL007');
    expect(found.map((diagnostic) => [diagnostic.location?.line, /always (true|false)/.exec(diagnostic.message)?.[1]])).toEqual([
      [3, 'false'],
      [6, 'true'],
      [11, 'false'],
    ]);
    expect(found[0]!.message).toContain("stage 'A'");
    expect(found[1]!.message).toContain("eq('a', 'A')");
    expect(found[1]!.hint).toContain('canceled');
  });
});

describe('dependencies and outputs', () => {
  const lines = [
    'stages:',
    '- stage: Build',
    '  jobs:',
    '  - job: Compile',
    '    steps:',
    '    - script: echo "##vso[task.setvariable variable=version;isOutput=true]1.0"',
    '      name: setVersion',
    '  - job: Check',
    '    dependsOn: Compile',
    '    variables:',
    "      good: $[ dependencies.Compile.outputs['setVersion.version'] ]",
    "      badStep: $[ dependencies.Compile.outputs['setVerison.version'] ]",
    '    steps:',
    '    - script: echo $(good)',
    '  - job: NoDeps',
    '    variables:',
    "      notDirect: $[ dependencies.Compile.outputs['setVersion.version'] ]",
    '    steps:',
    '    - script: echo $(notDirect)',
    '- stage: Test',
    '  jobs:',
    '  - job: Use',
    "    condition: eq(stageDependencies.Build.Compile.outputs['setVersion.version'], '1.0')",
    '    steps:',
    '    - script: echo hi',
    '  - job: Wrong',
    '    dependsOn: Compile',
    '    steps:',
    '    - script: echo hi',
    '- stage: Deploy',
    "  condition: eq(dependencies.Build.outputs['Compile.setVersion.version'], '1.0')",
    '  jobs:',
    '  - job: Ship',
    '    variables:',
    "      far: $[ stageDependencies.Build.Compile.outputs['setVersion.version'] ]",
    '    steps:',
    '    - script: echo $(far)',
  ];

  it('reports dependsOn naming a job of another stage', () => {
    const found = withCode(lines, 'VAL008');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("'Test.Wrong'");
    expect(found[0]!.message).toContain("stage 'Build'");
    expect(found[0]!.location?.line).toBe(27);
  });

  it('reports references to non-direct dependencies', () => {
    const found = withCode(lines, 'VAL009');
    expect(found.map((diagnostic) => diagnostic.location?.line)).toEqual([17, 31, 35]);
    expect(found[0]!.message).toContain("'dependencies.Compile' in job 'Build.NoDeps'");
    expect(found[0]!.hint).toContain('dependsOn: Compile');
    expect(found[1]!.message).toContain("stage 'Deploy'");
    expect(found[2]!.message).toContain('stageDependencies.Build');
  });

  it('reports an output of a step that does not exist', () => {
    const found = withCode(lines, 'VAL010');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("step 'setVerison'");
    expect(found[0]!.message).toContain("'setVersion'");
    expect(found[0]!.location?.line).toBe(12);
  });
});

describe('clean pipeline', () => {
  it('returns no warnings', () => {
    const lines = [
      'variables:',
      '  python.version: "3.12"',
      'steps:',
      '- script: python -m pip install . && echo $(python.version) $(nproc)',
      "  condition: eq(variables['Build.SourceBranch'], 'refs/heads/main')",
    ];
    expect(warnings(lines)).toEqual([]);
  });
});

describe('runtime expression positions', () => {
  const cases: Array<{ name: string; lines: string[]; line: number; column: number }> = [
    { name: 'plain mapping value', lines: ['variables:', '  x: $[ eq(1, ) ]', 'steps:', '- script: echo'], line: 2, column: 15 },
    { name: 'quoted mapping value', lines: ['variables:', "  longername: '$[eq(1, )]'", 'steps:', '- script: echo'], line: 2, column: 24 },
    { name: 'list form value', lines: ['variables:', '- name: longername', '  value: $[eq(1, )]', 'steps:', '- script: echo'], line: 3, column: 18 },
  ];
  for (const { name, lines, line, column } of cases) {
    it(`points into a ${name}`, () => {
      const found = warnings(lines).filter((diagnostic) => diagnostic.code === 'EXPR004');
      expect(found).toHaveLength(1);
      expect(found[0]!.location).toMatchObject({ line, column });
    });
  }
});
