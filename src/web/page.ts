import type { ApiClient } from './api-client.js';

/** Inputs and services that the router passes to a page. */
export interface PageContext {
  client: ApiClient;
  /** Aborted when the user leaves the page: pages stop their streams and timers on it. */
  signal: AbortSignal;
  /** Path parameters of the route, such as `id` in `/runs/:id`. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Shows another page of the UI without reloading. */
  navigate(path: string, options?: { replace?: boolean }): void;
  /** Sets the document title, with the product name after it. */
  setTitle(title: string): void;
  /** Reads a short message to screen reader users (a run finished, a request failed). */
  announce(message: string): void;
}

/** Draws one page into the main landmark. */
export type PageRenderer = (main: HTMLElement, context: PageContext) => void | Promise<void>;
