import type { Diagnostic } from '../diagnostic.js';
import type { YamlNode } from './yaml-node.js';

/** Result of loadYaml for one file: its tree, if any, and its diagnostics. */
export interface LoadedYaml {
  root?: YamlNode;
  diagnostics: Diagnostic[];
}

/**
 * Keeps what loadYaml made of a file, so an unchanged pipeline is not parsed
 * again by the next command. An entry belongs to the exact file name and text
 * it was made from; the caller decides where entries live.
 */
export interface ParsedYamlCache {
  get(file: string, text: string): LoadedYaml | undefined;
  set(file: string, text: string, loaded: LoadedYaml): void;
}
