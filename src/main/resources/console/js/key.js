// The API key: kept in this tab's session storage (gone when the tab closes), asked for when the server answers 401.
const STORAGE = 'hookline.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(STORAGE),
  set: key => sessionStorage.setItem(STORAGE, key),
  clear: () => sessionStorage.removeItem(STORAGE),
};

/**
 * Shows the key dialog (once, however many requests were refused) and calls onKey after a key was entered.
 * keySent: the refused request carried a key, so that key is wrong.
 */
export function askForKey(keySent, onKey) {
  const dialog = document.getElementById('key-dialog');
  const form = dialog.querySelector('form');
  const input = dialog.querySelector('input');
  document.getElementById('key-message').textContent = keySent
    ? 'The server refused this API key. Enter another one.'
    : 'This server needs an API key.';
  if (dialog.open) return;
  input.value = '';
  form.onsubmit = event => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    apiKey.set(key);
    dialog.close();
    onKey();
  };
  dialog.showModal();
  input.focus();
}
