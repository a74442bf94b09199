import { readFile as readFileFromDisk } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, DiagnosticBag } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import { loadYaml } from '../yaml/load-yaml.js';
import type { YamlNode } from '../yaml/yaml-node.js';
import { readBoundedText } from './read-bounded-text.js';
import { MAX_TEMPLATE_FILES, MAX_TEMPLATE_TEXT_CHARACTERS } from './template-limits.js';

/** A pipeline or template file, by the name used in diagnostics. */
export interface TemplateFileInfo {
  name: string;
  absolutePath: string;
  repositoryRoot: string;
  /** The repository alias, or undefined for the pipeline's own repository (`self`). */
  alias?: string;
}

/** Settings of the loader, taken from ExpandOptions. */
export interface TemplateFileSettings {
  repositoryRoot: string;
  repositories: Record<string, string>;
  readFile: (absolutePath: string) => Promise<string>;
}

/** Reads a file as UTF-8 text; the default `readFile` of the loader. */
export function readTextFile(absolutePath: string): Promise<string> {
  return readFileFromDisk(absolutePath, 'utf8');
}

type CachedFile = { root?: YamlNode; failed: boolean };

/**
 * Resolves template paths and reads template files, each once. It enforces the
 * limits on the number of files and on the text read, and records every text
 * it read in `files` (by diagnostic name) for error rendering.
 */
export class TemplateFileLoader {
  readonly files = new Map<string, string>();
  private readonly infos = new Map<string, TemplateFileInfo>();
  private readonly cache = new Map<string, CachedFile>();
  private textCharacters = 0;
  private limitReported = false;

  constructor(
    private readonly settings: TemplateFileSettings,
    private readonly bag: DiagnosticBag,
  ) {}

  /** Registers the pipeline file itself, whose text the caller already read. */
  registerRoot(name: string, text: string): TemplateFileInfo {
    const info: TemplateFileInfo = {
      name,
      absolutePath: path.resolve(this.settings.repositoryRoot, name),
      repositoryRoot: path.resolve(this.settings.repositoryRoot),
    };
    this.infos.set(name, info);
    this.files.set(name, text);
    this.textCharacters += text.length;
    return info;
  }

  /** Returns what is known about a file by its diagnostic name. */
  info(name: string): TemplateFileInfo | undefined {
    return this.infos.get(name);
  }

  /**
   * Resolves `path[@alias]` written in `fromFile`. A leading `/` starts at the
   * repository root, and other paths are relative to the including file.
   * `@self` is the pipeline's repository (learn.microsoft.com …/process/templates,
   * "Reference template paths" and "Store templates in other repositories").
   */
  resolve(reference: string, fromFile: string, location: SourceLocation): TemplateFileInfo | undefined {
    const trimmed = reference.trim();
    const at = trimmed.lastIndexOf('@');
    const written = at >= 0 ? trimmed.slice(0, at) : trimmed;
    const alias = at >= 0 ? trimmed.slice(at + 1) : undefined;
    const from = this.infos.get(fromFile);

    if (written === '') {
      this.bag.error('TPL019', `template path "${reference}" is empty`, location, 'Write the path of a YAML file, such as "templates/build.yml".');
      return undefined;
    }

    let repositoryRoot: string;
    let repositoryAlias: string | undefined;
    let base: string;
    if (alias === undefined) {
      repositoryRoot = from?.repositoryRoot ?? path.resolve(this.settings.repositoryRoot);
      repositoryAlias = from?.alias;
      base = from ? path.dirname(from.absolutePath) : repositoryRoot;
    } else if (alias.toLowerCase() === 'self') {
      repositoryRoot = path.resolve(this.settings.repositoryRoot);
      base = from && from.alias === undefined ? path.dirname(from.absolutePath) : repositoryRoot;
    } else {
      const local = this.settings.repositories[alias];
      if (local === undefined) {
        const known = Object.keys(this.settings.repositories);
        const listed = known.length > 0 ? ` Known aliases: ${known.join(', ')}.` : '';
        this.bag.error(
          'TPL003',
          `template "${trimmed}" names repository alias "${alias}", which has no local checkout`,
          location,
          `Pass --repository ${alias}=PATH with the path of a local checkout of that repository.${listed}`,
        );
        return undefined;
      }
      repositoryRoot = path.resolve(local);
      repositoryAlias = alias;
      // A path into another repository starts at that repository's root.
      base = from?.alias === alias ? path.dirname(from.absolutePath) : repositoryRoot;
    }

    const absolutePath = written.startsWith('/') ? path.join(repositoryRoot, written) : path.resolve(base, written);
    const relative = path.relative(repositoryRoot, absolutePath);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      this.bag.error('TPL001', `template path "${trimmed}" points outside its repository (to ${absolutePath})`, location, 'Keep template paths inside the repository; start the path with "/" to begin at the repository root.');
      return undefined;
    }

    const posix = relative.split(path.sep).join('/');
    const name = repositoryAlias === undefined ? posix : `${posix}@${repositoryAlias}`;
    const info: TemplateFileInfo = { name, absolutePath, repositoryRoot, alias: repositoryAlias };
    this.infos.set(name, info);
    return info;
  }

  /**
   * Reads and parses a template file, once per file. Returns undefined when the
   * file cannot be used; the reason is already in the diagnostics.
   * `location` is the template reference, which becomes the `includedFrom` of
   * the file's parse errors.
   */
  async load(info: TemplateFileInfo, location: SourceLocation): Promise<YamlNode | undefined> {
    const cached = this.cache.get(info.name);
    if (cached) return cached.root;

    if (this.cache.size + 1 > MAX_TEMPLATE_FILES) {
      this.reportLimit(
        'TPL005',
        `the pipeline includes more than ${MAX_TEMPLATE_FILES} template files (Azure Pipelines' limit); "${info.name}" is one too many`,
        location,
        'Merge small templates, or remove includes that a condition never selects.',
      );
      return undefined;
    }

    const text = await this.read(info, location);
    if (text === undefined) {
      this.cache.set(info.name, { failed: true });
      return undefined;
    }

    const parsed = loadYaml(text, info.name);
    for (const diagnostic of parsed.diagnostics) this.bag.add(withIncludedFrom(diagnostic, location));
    if (!parsed.root && !parsed.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
      this.bag.error('TPL002', `template file "${info.name}" is empty`, location, 'Add the template content, such as "steps:" with a list of steps.');
    }
    this.cache.set(info.name, { root: parsed.root, failed: parsed.root === undefined });
    return parsed.root;
  }

  private async read(info: TemplateFileInfo, location: SourceLocation): Promise<string | undefined> {
    let text: string;
    try {
      const read = await this.readWithinBudget(info.absolutePath);
      if (read === undefined) {
        this.reportTextLimit(location);
        return undefined;
      }
      text = read;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `could not be read (${(error as Error).message})`;
      this.bag.error('TPL001', `template file "${info.name}" ${reason}; it was looked for at ${info.absolutePath}`, location, 'Check the path: it is relative to the file that includes it, or to the repository root when it starts with "/".');
      return undefined;
    }

    this.textCharacters += text.length;
    if (this.textCharacters > MAX_TEMPLATE_TEXT_CHARACTERS) {
      this.reportTextLimit(location);
      return undefined;
    }

    this.files.set(info.name, text);
    return text;
  }

  /**
   * Reads a file, or returns undefined when it alone exceeds what is left of the
   * text budget. The default reader checks the file's size before reading, so
   * a huge file is never loaded; a custom `readFile` is called as it is.
   */
  private async readWithinBudget(absolutePath: string): Promise<string | undefined> {
    const remaining = MAX_TEMPLATE_TEXT_CHARACTERS - this.textCharacters;
    if (this.settings.readFile !== readTextFile) return this.settings.readFile(absolutePath);

    const read = await readBoundedText(absolutePath, remaining);
    return read.tooLarge ? undefined : read.text;
  }

  private reportTextLimit(location: SourceLocation): void {
    this.reportLimit(
      'TPL007',
      `the pipeline and its templates exceed ${MAX_TEMPLATE_TEXT_CHARACTERS} characters of YAML, the size Azure Pipelines' 20 MB parsing limit allows`,
      location,
      'Make templates smaller or include fewer of them.',
    );
  }

  private reportLimit(code: string, message: string, location: SourceLocation, hint: string): void {
    if (this.limitReported) return;
    this.limitReported = true;
    this.bag.error(code, message, location, hint);
  }
}

/** Returns the diagnostic with `includedFrom` set on its location. */
export function withIncludedFrom(diagnostic: Diagnostic, includedFrom: SourceLocation): Diagnostic {
  if (!diagnostic.location) return { ...diagnostic, location: includedFrom };
  return { ...diagnostic, location: { ...diagnostic.location, includedFrom } };
}
