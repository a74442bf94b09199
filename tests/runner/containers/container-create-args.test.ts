import { describe, expect, it } from 'vitest';
import { environmentArguments, publishArguments, splitOptions, volumeArguments } from '../../../src/runner/containers/container-create-args.js';
import { ContainerError } from '../../../src/runner/containers/container-error-codes.js';
import { containerResource } from './container-test-environment.js';

describe('splitOptions', () => {
  it.each([
    ['--cpus 2 --memory=1g', ['--cpus', '2', '--memory=1g']],
    ['--health-cmd "pg_isready -h 127.0.0.1"', ['--health-cmd', 'pg_isready -h 127.0.0.1']],
    ["--label 'a b' --env X=\"y \\\"z\\\"\"", ['--label', 'a b', '--env', 'X=y "z"']],
    ['  --privileged\n  --init  ', ['--privileged', '--init']],
    ['--env EMPTY=""', ['--env', 'EMPTY=']],
    ['a\\ b', ['a b']],
    ['', []],
  ])('splits %j', (text, expected) => {
    expect(splitOptions(text)).toEqual(expected);
  });

  it('rejects an unterminated quote', () => {
    expect(() => splitOptions('--label "open')).toThrow(ContainerError);
    expect(() => splitOptions('--label "open')).toThrow(/unterminated " quote/);
  });
});

describe('publishArguments', () => {
  it.each([
    ['5432', '127.0.0.1::5432'],
    ['8080:80', '127.0.0.1:8080:80'],
    ['127.0.0.1:8080:80', '127.0.0.1:8080:80'],
    ['53:53/udp', '127.0.0.1:53:53/udp'],
  ])('binds %s to loopback', (entry, expected) => {
    expect(publishArguments('web', [entry])).toEqual(['--publish', expected]);
  });

  it.each(['0.0.0.0:80:80', '10.0.0.5:80:80'])('rejects %s', (entry) => {
    expect(() => publishArguments('web', [entry])).toThrow(/Sluice publishes ports on 127\.0\.0\.1 only/);
  });

  it('rejects a malformed entry', () => {
    expect(() => publishArguments('web', ['http'])).toThrow(/port mapping 'http' of container 'web' is invalid/);
  });
});

describe('environment and volume arguments', () => {
  it('keeps values off the command line', () => {
    const { args, values } = environmentArguments({ TOKEN: 'secret value', MODE: 'ci' });

    expect(args).toEqual(['--env', 'TOKEN', '--env', 'MODE']);
    expect(args.join(' ')).not.toContain('secret value');
    expect(values).toEqual({ TOKEN: 'secret value', MODE: 'ci' });
  });

  it('mounts job folders at the same path before the resource volumes', () => {
    const args = volumeArguments(
      [
        { path: '/work/1', readOnly: true },
        { path: '/work/_temp/job', readOnly: false },
      ],
      containerResource('python', 'python:3.12', { volumes: ['cache:/root/.cache'] }),
    );

    expect(args).toEqual(['--volume', '/work/1:/work/1:ro', '--volume', '/work/_temp/job:/work/_temp/job', '--volume', 'cache:/root/.cache']);
  });
});
