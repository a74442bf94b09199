import { describeError, type ApiClient } from '../api-client.js';
import type { Artifact } from '../api-types.js';
import { h } from '../dom.js';
import { formatBytes } from '../format.js';
import { scrollingTable } from '../widgets.js';

/** How long a downloaded archive's object URL stays valid, in milliseconds. */
const OBJECT_URL_LIFETIME_MS = 60_000;

/**
 * Lists the run's artifacts with a download button each. The archive is
 * fetched with the token and handed to the browser as a file, because a
 * plain link cannot send the `Authorization` header.
 * NOTE: the whole archive is held in memory before it is saved.
 */
export function renderRunArtifacts(client: ApiClient, runId: number, artifacts: readonly Artifact[]): HTMLElement {
  const heading = h('h2', { id: 'artifacts-title' }, 'Artifacts');
  if (artifacts.length === 0) {
    return h('section', { class: 'card run-artifacts', 'aria-labelledby': 'artifacts-title' }, heading, h('p', {}, 'No artifacts were published.'));
  }
  const message = h('p', { class: 'error-message', role: 'alert' });
  const rows = artifacts.map((artifact) => {
    const button = h('button', { class: 'button secondary', type: 'button', 'aria-label': `Download ${artifact.name} as .tar.gz` }, 'Download');
    button.addEventListener('click', () => {
      button.disabled = true;
      message.textContent = '';
      downloadArtifact(client, runId, artifact.name)
        .catch((error: unknown) => {
          message.textContent = `Cannot download ${artifact.name}: ${describeError(error)}`;
        })
        .finally(() => {
          button.disabled = false;
        });
    });
    return h('tr', { 'data-artifact': artifact.name }, h('th', { scope: 'row' }, artifact.name), h('td', {}, artifact.fileCount), h('td', {}, formatBytes(artifact.sizeBytes)), h('td', {}, button));
  });
  return h('section', { class: 'card run-artifacts', 'aria-labelledby': 'artifacts-title' }, heading, scrollingTable('Artifacts', ['Name', 'Files', 'Size', 'Download'], rows), message);
}

async function downloadArtifact(client: ApiClient, runId: number, name: string): Promise<void> {
  const response = await client.request('GET', `/api/runs/${runId}/artifacts/${encodeURIComponent(name)}/download`, { headers: { accept: 'application/gzip' } });
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = h('a', { href: url, download: `${name}.tar.gz`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // Released later, not at once: a browser may read the URL after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), OBJECT_URL_LIFETIME_MS);
  }
}
