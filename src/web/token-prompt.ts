import { checkToken } from './api-client.js';
import { h, replaceChildren } from './dom.js';
import { tokenStorage } from './token-storage.js';

/**
 * Shows the sign-in form: the user pastes an API token (the admin token that
 * `sluice serve` prints on first start, or a personal token). The token is
 * checked against the API before it is stored.
 */
export function renderTokenPrompt(main: HTMLElement, onSignedIn: () => void): void {
  const input = h('input', { id: 'token-input', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false', 'aria-describedby': 'token-help' });
  const message = h('p', { id: 'token-error', class: 'error-message', role: 'alert' });
  const submit = h('button', { class: 'button', type: 'submit' }, 'Sign in');

  const form = h(
    'form',
    { class: 'card token-form', 'aria-labelledby': 'token-title' },
    h('h1', { id: 'token-title' }, 'Sign in to Sluice'),
    h('label', { for: 'token-input' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'help' }, 'Use the admin token that sluice serve printed on its first start, or a personal token. It is kept in this browser only.'),
    message,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') {
      message.textContent = 'Enter a token.';
      return;
    }
    submit.disabled = true;
    message.textContent = '';
    checkToken(token)
      .then((problem) => {
        if (problem !== undefined) {
          message.textContent = `The server rejected this token: ${problem}`;
          input.focus();
          return;
        }
        tokenStorage.write(token);
        onSignedIn();
      })
      .catch((error: unknown) => {
        message.textContent = `Cannot reach the server: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  replaceChildren(main, form);
  input.focus();
}
