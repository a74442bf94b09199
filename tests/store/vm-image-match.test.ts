import { describe, expect, it } from 'vitest';
import { operatingSystemOfImage, vmImageSatisfied } from '../../src/store/vm-image-match.js';

describe('vmImageSatisfied', () => {
  it('accepts any agent for a job without an image', () => {
    expect(vmImageSatisfied(undefined, {})).toBe(true);
    expect(vmImageSatisfied(null, { 'Agent.OS': 'Darwin' })).toBe(true);
  });

  it('matches the hosted image families by Agent.OS', () => {
    expect(vmImageSatisfied('ubuntu-latest', { 'Agent.OS': 'Linux' })).toBe(true);
    expect(vmImageSatisfied('ubuntu-24.04', { 'agent.os': 'linux' })).toBe(true);
    expect(vmImageSatisfied('windows-2022', { 'Agent.OS': 'Windows_NT' })).toBe(true);
    expect(vmImageSatisfied('macOS-14', { 'Agent.OS': 'Darwin' })).toBe(true);
    expect(vmImageSatisfied('windows-latest', { 'Agent.OS': 'Linux' })).toBe(false);
    expect(vmImageSatisfied('ubuntu-latest', {})).toBe(false);
  });

  it('runs only the listed images on an agent with a vmImage capability', () => {
    const capabilities = { 'Agent.OS': 'Linux', VMImage: 'ubuntu-22.04, windows-2019' };
    expect(vmImageSatisfied('Ubuntu-22.04', capabilities)).toBe(true);
    expect(vmImageSatisfied('windows-2019', capabilities)).toBe(true);
    expect(vmImageSatisfied('ubuntu-latest', capabilities)).toBe(false);
    expect(vmImageSatisfied('anything', { vmImage: '*' })).toBe(true);
  });

  it('runs an image of no known family only where it is listed', () => {
    expect(operatingSystemOfImage('custom-gpu-image')).toBeUndefined();
    expect(vmImageSatisfied('custom-gpu-image', { 'Agent.OS': 'Linux' })).toBe(false);
    expect(vmImageSatisfied('custom-gpu-image', { vmImage: 'custom-gpu-image' })).toBe(true);
  });
});
