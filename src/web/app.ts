import { ApiClient, describeError } from './api-client.js';
import { h, replaceChildren } from './dom.js';
import type { PageContext } from './page.js';
import { renderAgentsPage } from './pages/agents-page.js';
import { renderNotFoundPage } from './pages/not-found-page.js';
import { renderPipelinesPage } from './pages/pipelines-page.js';
import { renderRunPage } from './pages/run-page.js';
import { renderRunsPage } from './pages/runs-page.js';
import { interceptLinkClicks, matchRoute, type Route } from './router.js';
import { renderTokenPrompt } from './token-prompt.js';
import { tokenStorage } from './token-storage.js';

const ROUTES: Route[] = [
  { path: '/', section: 'pipelines', render: renderPipelinesPage },
  { path: '/pipelines', section: 'pipelines', render: renderPipelinesPage },
  { path: '/pipelines/:id', section: 'pipelines', render: renderRunsPage },
  { path: '/runs/:id', section: 'pipelines', render: renderRunPage },
  { path: '/agents', section: 'agents', render: renderAgentsPage },
];

/** Elements of the page shell in index.html. */
interface Shell {
  main: HTMLElement;
  signOut: HTMLButtonElement;
  announcer: HTMLElement;
  navLinks: HTMLAnchorElement[];
}

/**
 * Starts the UI: shows the sign-in form when no token is stored, else the
 * page of the current URL, and handles links and the back button without reloads.
 */
export function startApp(): void {
  const shell: Shell = {
    main: document.getElementById('main') as HTMLElement,
    signOut: document.getElementById('sign-out') as HTMLButtonElement,
    announcer: document.getElementById('announcer') as HTMLElement,
    navLinks: Array.from(document.querySelectorAll<HTMLAnchorElement>('a[data-nav]')),
  };
  let pageController = new AbortController();
  let isFirstRender = true;

  const client = new ApiClient(() => render());

  const navigate = (path: string, options: { replace?: boolean } = {}): void => {
    if (options.replace === true) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    render();
  };

  function render(): void {
    pageController.abort();
    pageController = new AbortController();
    const signal = pageController.signal;

    if (tokenStorage.read() === undefined) {
      shell.signOut.hidden = true;
      renderTokenPrompt(shell.main, () => render());
      document.title = 'Sign in · Sluice';
      return;
    }
    shell.signOut.hidden = false;

    const match = matchRoute(ROUTES, window.location.pathname);
    for (const link of shell.navLinks) {
      if (match?.route.section === link.dataset.nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const context: PageContext = {
      client,
      signal,
      params: match?.params ?? {},
      query: new URLSearchParams(window.location.search),
      navigate,
      setTitle: (title) => {
        document.title = `${title} · Sluice`;
      },
      announce: (message) => {
        shell.announcer.textContent = message;
      },
    };

    shell.main.replaceChildren();
    const renderer = match?.route.render ?? renderNotFoundPage;
    Promise.resolve(renderer(shell.main, context)).catch((error: unknown) => {
      if (signal.aborted) return;
      replaceChildren(shell.main, h('h1', {}, 'Something went wrong'), h('p', { class: 'error-message', role: 'alert' }, describeError(error)));
    });
    // Focus moves to the new content on navigation so screen readers start there; not on first load.
    if (!isFirstRender) shell.main.focus({ preventScroll: true });
    isFirstRender = false;
  }

  shell.signOut.addEventListener('click', () => {
    tokenStorage.clear();
    render();
  });
  window.addEventListener('popstate', () => render());
  interceptLinkClicks(document.body, (path) => navigate(path));
  render();
}
