import { AnsiUp } from 'ansi_up';
import type { LogLine } from '../api-types.js';
import { h } from '../dom.js';

/** Words shown before highlighted lines, so the kind does not rely on color alone. */
const LINE_LABELS: Partial<Record<NonNullable<LogLine['format']>, string>> = {
  error: 'Error',
  warning: 'Warning',
};

/**
 * Draws log lines with their ANSI colors, each
 * `##[group]` … `##[endgroup]` range as a collapsible section, `##[error]` and
 * `##[warning]` lines highlighted, `##[section]`, `##[command]` and
 * `##[debug]` styled. The runner has already stripped the `##[…]` prefix and
 * put its kind in `format` (learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands, formatting commands).
 */
export class LogRenderer {
  /** The element that contains the lines. */
  readonly element: HTMLDivElement;
  private readonly ansi = new AnsiUp();
  /** Containers of the lines: the log itself, then the body of each open group, innermost last. */
  private readonly containers: HTMLElement[];
  private lastLineNumber = 0;

  constructor() {
    this.element = h('div', { class: 'log-lines' });
    this.containers = [this.element];
    this.ansi.use_classes = true;
  }

  /** Number of the last line drawn, or 0. */
  get lineCount(): number {
    return this.lastLineNumber;
  }

  /** Draws lines in order; a line at or before the last drawn number (a repeated message) is skipped. */
  append(lines: readonly LogLine[]): void {
    const fragment = document.createDocumentFragment();
    let target: Node = this.current === this.element ? fragment : this.current;
    for (const line of lines) {
      if (line.lineNumber <= this.lastLineNumber) continue;
      this.lastLineNumber = line.lineNumber;
      if (line.format === 'endgroup') {
        if (this.containers.length > 1) this.containers.pop();
        target = this.current === this.element ? fragment : this.current;
        continue;
      }
      const row = this.lineRow(line);
      if (line.format === 'group') {
        const body = h('div', { class: 'log-group-body' });
        target.appendChild(h('details', { class: 'log-group' }, h('summary', {}, row), body));
        this.containers.push(body);
        target = body;
        continue;
      }
      target.appendChild(row);
      if (line.format === 'error') this.openEnclosingGroups();
    }
    this.element.appendChild(fragment);
  }

  private get current(): HTMLElement {
    return this.containers[this.containers.length - 1] ?? this.element;
  }

  private lineRow(line: LogLine): HTMLDivElement {
    const text = h('span', { class: 'line-text' });
    // ansi_up escapes <, >, & and quotes before it adds its own spans, so log text cannot inject markup.
    text.innerHTML = this.ansi.ansi_to_html(line.text);
    const label = line.format === undefined ? undefined : LINE_LABELS[line.format];
    if (label !== undefined) text.prepend(h('strong', { class: 'log-label' }, `${label}: `));
    return h(
      'div',
      { class: `log-line${line.format === undefined ? '' : ` log-${line.format}`}${line.stream === 'stderr' ? ' log-stderr' : ''}`, 'data-line': line.lineNumber },
      h('span', { class: 'line-number', 'aria-hidden': 'true' }, line.lineNumber),
      text,
    );
  }

  /** Opens the groups around the current line, because an error inside a collapsed group would be hidden. */
  private openEnclosingGroups(): void {
    for (const container of this.containers.slice(1)) {
      const details = container.parentElement;
      if (details instanceof HTMLDetailsElement) details.open = true;
    }
  }
}
