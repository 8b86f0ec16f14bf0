// The console: a hash router over four views, a refresh every two seconds of the view shown (so bars move while an
// import runs), the banner for an unreachable server, and the API key prompt.
import {connection, ApiError, Unreachable} from './api.js';
import {apiKey, askForKey} from './key.js';
import {fill, notice} from './dom.js';
import {importsView} from './imports.js';
import {importView} from './import.js';
import {destinationsView, destinationView} from './destinations.js';
import {startSampling} from './throughput.js';

const REFRESH_MS = 2000;

const routes = [
  [/^#\/imports\/([^/?]+)$/, m => importView(decodeURIComponent(m[1]))],
  [/^#\/imports(?:\?(.*))?$/, m => importsView(new URLSearchParams(m[1] ?? ''))],
  [/^#\/destinations\/new$/, () => destinationView(null)],
  [/^#\/destinations\/([^/?]+)$/, m => destinationView(decodeURIComponent(m[1]))],
  [/^#\/destinations(?:\?(.*))?$/, m => destinationsView(new URLSearchParams(m[1] ?? ''))],
];

const main = document.getElementById('view');
const banner = document.getElementById('banner');
let view = null;
let refreshing = null; // the view whose refresh is in flight
let stopped = false;

function route() {
  const hash = location.hash || '#/imports';
  const found = routes.map(([pattern, make]) => [hash.match(pattern), make]).find(([m]) => m);
  if (!found) {
    location.replace('#/imports');
    return;
  }
  view = found[1](found[0]);
  stopped = false;
  document.title = `${view.title} · Hookline`;
  document.querySelectorAll('nav a').forEach(a =>
    a.classList.toggle('current', hash.startsWith(a.getAttribute('href'))));
  showForgetKey();
  fill(main, view.el);
  refresh();
}

/** Refreshes the view shown, one refresh at a time; a view that says stop (an unknown import) is left as it is. */
async function refresh() {
  if (!view || refreshing === view || stopped || document.hidden || document.getElementById('key-dialog').open) {
    return;
  }
  const current = view;
  refreshing = current;
  try {
    const result = await current.refresh();
    if (current === view) {
      stopped = Boolean(result?.stop);
      current.el.querySelector(':scope > .load-error')?.remove();
    }
  } catch (e) {
    if (current === view) showLoadError(e);
  } finally {
    if (refreshing === current) refreshing = null;
  }
}

/** "Forget API key" in the header, while the tab keeps one. */
function showForgetKey() {
  document.getElementById('forget-key').hidden = !apiKey.get();
}

function showLoadError(e) {
  // the key prompt, or the banner, says it already
  if ((e instanceof ApiError && e.status === 401) || e instanceof Unreachable) return;
  let box = view.el.querySelector(':scope > .load-error');
  if (!box) {
    box = notice('error');
    box.classList.add('load-error');
    view.el.prepend(box);
  }
  fill(box, `Could not load: ${e.message}`);
}

connection.addEventListener('unreachable', () => {
  fill(banner, `Cannot reach the Hookline server at ${location.host} (last try at `
    + `${new Date().toTimeString().slice(0, 8)}); the page shows what it last had, and tries again every 2 s.`);
  banner.hidden = false;
});
connection.addEventListener('reachable', () => {
  banner.hidden = true;
});
connection.addEventListener('unauthorized', event => {
  if (event.detail.keySent) apiKey.clear();
  showForgetKey();
  askForKey(event.detail.keySent, route);
});

document.getElementById('key-dialog').addEventListener('cancel', event => event.preventDefault());
document.getElementById('forget-key').addEventListener('click', () => {
  apiKey.clear();
  route();
});

window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', refresh);
setInterval(refresh, REFRESH_MS);
startSampling();
route();
