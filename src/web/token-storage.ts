/** localStorage key of the API token. */
const TOKEN_KEY = 'sluice.apiToken';

/**
 * Storage of the API token the user entered, in localStorage so it survives a reload.
 * NOTE: any script on this origin can read localStorage. The server's
 * Content-Security-Policy lets the page run only its own bundled scripts.
 */
export const tokenStorage = {
  /** Returns the stored token, or undefined when the user has not signed in. */
  read(): string | undefined {
    const token = window.localStorage.getItem(TOKEN_KEY);
    return token === null || token === '' ? undefined : token;
  },
  /** Stores the token for later visits. */
  write(token: string): void {
    window.localStorage.setItem(TOKEN_KEY, token);
  },
  /** Forgets the token (sign out, or the server rejected it). */
  clear(): void {
    window.localStorage.removeItem(TOKEN_KEY);
  },
};
