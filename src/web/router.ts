import type { PageRenderer } from './page.js';

/** A client-side route: a path pattern with `:name` parameters and its page. */
export interface Route {
  path: string;
  /** The `data-nav` value of the main navigation link marked current on this page. */
  section: string;
  render: PageRenderer;
}

/** A route that matched a path, with the path's parameters. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Finds the first route whose pattern matches `pathname` exactly. */
export function matchRoute(routes: readonly Route[], pathname: string): RouteMatch | undefined {
  const parts = trimSlashes(pathname).split('/');
  for (const route of routes) {
    const pattern = trimSlashes(route.path).split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, index) => {
      const part = parts[index] ?? '';
      if (segment.startsWith(':')) {
        if (part === '') return false;
        params[segment.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * Makes same-origin links navigate without a reload: a plain left click on
 * an `<a href="/…">` calls `navigate`, while modified clicks (new tab) and
 * links with `download` or a target keep the browser's behaviour.
 */
export function interceptLinkClicks(root: HTMLElement, navigate: (path: string) => void): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest('a');
    if (link === null || link === undefined || link.hasAttribute('download') || (link.target !== '' && link.target !== '_self')) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
