import { h, replaceChildren } from '../dom.js';
import type { PageContext } from '../page.js';

/** Shows the page for a path that matches no route. */
export function renderNotFoundPage(main: HTMLElement, context: PageContext): void {
  context.setTitle('Not found');
  replaceChildren(main, h('h1', {}, 'Page not found'), h('p', {}, 'No page has this address. ', h('a', { href: '/pipelines' }, 'Go to the pipelines'), '.'));
}
