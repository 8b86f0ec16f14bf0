// One import: its progress, its pages (chunks) and its attempt log (or only the failures), and redeliver.
import {api, withQuery, enc, ApiError} from './api.js';
import {h, fill, head, badge, time, number, duration, progressBar, notice, scrolling} from './dom.js';
import {rate} from './rate.js';

const CHUNK_STATUSES = ['PENDING', 'RETRYING', 'DELIVERED', 'UNDELIVERED'];
const ROWS = 100;

export function importView(uploadId) {
  const base = `/v1/imports/${enc(uploadId)}`;
  let chunkStatus = '';
  let chunkPages = [null]; // the `after` cursor of every chunk page seen, for back and forth
  let failedOnly = true;
  let attemptPages = [null];
  let lastSeen = null;

  const summary = h('div', {class: 'summary'});
  const message = h('div', {class: 'view-message'});
  const redeliverButton = h('button', {id: 'redeliver', type: 'button', onclick: redeliver},
    'Redeliver undelivered pages');

  const chunkFilter = h('select', {id: 'chunk-status', onchange: () => {
    chunkStatus = chunkFilter.value;
    chunkPages = [null];
    refreshChunks();
  }}, h('option', {value: ''}, 'every page'), CHUNK_STATUSES.map(s => h('option', {value: s}, s)));
  const chunkBody = h('tbody');
  const chunkPager = h('div', {class: 'pager'});

  const failedBox = h('input', {type: 'checkbox', id: 'failed-only', checked: failedOnly, onchange: () => {
    failedOnly = failedBox.checked;
    attemptPages = [null];
    refreshAttempts();
  }});
  const attemptBody = h('tbody');
  const attemptTable = h('table', {class: 'list', id: 'attempts'},
    head(['Page', 'num'], ['Attempt', 'num'], 'Started', ['Duration', 'num'], ['Status', 'num'], 'Error', 'Response'),
    attemptBody);
  const attemptPager = h('div', {class: 'pager'});
  const attemptEmpty = h('div');

  const el = h('div', {class: 'view import'},
    h('p', {class: 'crumbs'}, h('a', {href: '#/imports'}, '← Imports')),
    h('h1', {}, 'Import ', h('span', {class: 'mono'}, uploadId)),
    message, summary,
    h('section', {class: 'panel'},
      h('div', {class: 'panel-head'}, h('h2', {}, 'Attempt log'),
        h('label', {class: 'toggle'}, failedBox, ' failures only')),
      scrolling(attemptTable), attemptEmpty, attemptPager),
    h('section', {class: 'panel'},
      h('div', {class: 'panel-head'}, h('h2', {}, 'Pages'), h('label', {}, 'Show ', chunkFilter)),
      scrolling(h('table', {class: 'list', id: 'chunks'},
        head(['Page', 'num'], ['Records', 'num'], 'Status', ['Attempts', 'num'], ['Last status', 'num'],
          'Last error', 'Next attempt', 'Delivered'), chunkBody)),
      chunkPager));

  async function redeliver() {
    redeliverButton.disabled = true;
    try {
      const {requeued} = await api(`${base}/redeliver`, {method: 'POST'});
      fill(message, notice('ok', requeued === 0 ? 'Nothing to redeliver: no page is undelivered.'
        : `Requeued ${number(requeued)} ${requeued === 1 ? 'page' : 'pages'} for delivery.`));
      await refresh();
    } catch (e) {
      fill(message, notice('error', `Redeliver failed: ${e.message}`));
      redeliverButton.disabled = false;
    }
  }

  function drawSummary(imp) {
    redeliverButton.disabled = !imp.chunks.undelivered;
    fill(summary, h('section', {class: 'panel'},
      h('div', {class: 'panel-head'},
        h('div', {}, badge(imp.status), ' ', h('span', {class: 'muted'}, 'destination '),
          h('a', {href: `#/destinations/${enc(imp.template)}`}, imp.template), ' ', badge(imp.destinationState)),
        redeliverButton),
      progressBar(imp.chunks, imp.totalPages, imp.status),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Records'), h('dd', {}, number(imp.totalRecords)),
        h('dt', {}, 'Pages'), h('dd', {}, number(imp.totalPages)),
        h('dt', {}, 'Created'), h('dd', {}, time(imp.createdAt)),
        h('dt', {}, 'Finished'), h('dd', {}, time(imp.completedAt)),
        h('dt', {}, 'Rate'), h('dd', {class: 'rate'}, rate(imp)))));
    summary.dataset.status = imp.status;
  }

  async function refreshChunks() {
    const after = chunkPages.at(-1);
    const page = await api(withQuery(`${base}/chunks`, {status: chunkStatus, after, limit: ROWS}));
    fill(chunkBody, page.items.length ? page.items.map(c => h('tr', {dataset: {page: c.page, status: c.status}},
      h('td', {class: 'num'}, c.page), h('td', {class: 'num'}, number(c.records)), h('td', {}, badge(c.status)),
      h('td', {class: 'num'}, c.attempts), h('td', {class: 'num'}, c.lastStatusCode ?? '—'),
      h('td', {class: 'error'}, c.lastError ?? ''), h('td', {}, time(c.nextAttemptAt)), h('td', {}, time(c.deliveredAt))))
      : h('tr', {}, h('td', {colspan: 8, class: 'empty'}, chunkStatus ? `No page is ${chunkStatus}.` : 'No pages.')));
    pager(chunkPager, chunkPages, page.next, refreshChunks);
  }

  async function refreshAttempts() {
    const after = attemptPages.at(-1);
    const page = await api(withQuery(`${base}/attempts`, {failed: failedOnly ? 'true' : null, after, limit: ROWS}));
    fill(attemptBody, byStart(page.items).map(a => h('tr', {dataset: {page: a.page, attempt: a.attempt}},
      h('td', {class: 'num'}, a.page), h('td', {class: 'num'}, a.attempt), h('td', {}, time(a.startedAt)),
      h('td', {class: 'num'}, duration(a.durationMs)),
      h('td', {class: 'num'}, a.statusCode == null ? badge('NO RESPONSE') : a.statusCode),
      h('td', {class: 'error'}, a.error ?? ''),
      h('td', {}, a.responseExcerpt ? h('pre', {class: 'excerpt'}, a.responseExcerpt) : ''))));
    fill(attemptEmpty, page.items.length ? null : h('p', {class: 'empty'},
      failedOnly ? 'No failed attempt.' : 'No attempt yet.'));
    attemptTable.hidden = !page.items.length;
    pager(attemptPager, attemptPages, page.next, refreshAttempts);
  }

  async function refresh() {
    let imp;
    try {
      imp = await api(base);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(el, h('p', {class: 'crumbs'}, h('a', {href: '#/imports'}, '← Imports')),
          h('h1', {}, 'Import ', h('span', {class: 'mono'}, uploadId)),
          notice('error', `No import with upload ID “${uploadId}”. It may never have existed, or it was removed `
            + 'after its retention time.'));
        return {stop: true};
      }
      throw e;
    }
    drawSummary(imp);
    // a finished import's tables change only when its counts do (a redeliver); a running one's on every attempt
    const seen = JSON.stringify([imp.status, imp.chunks, imp.completedAt]);
    if (!imp.completedAt || seen !== lastSeen) {
      await Promise.all([refreshChunks(), refreshAttempts()]);
      lastSeen = seen;
    }
    return null;
  }

  return {el, refresh, title: `Import ${uploadId}`};
}

/**
 * Attempts by start time, then page and attempt. The API lists them as they were recorded, which is when they
 * ended: a slow attempt comes after quicker ones that started later.
 */
function byStart(attempts) {
  // ISO instants with their fraction padded to nanoseconds compare as text (Date keeps only milliseconds)
  const key = iso => (iso ?? '').replace(/(?:\.(\d+))?Z$/, (_, fraction = '') => `.${fraction.padEnd(9, '0')}Z`);
  return [...attempts].sort((a, b) => {
    const at = key(a.startedAt);
    const bt = key(b.startedAt);
    return at < bt ? -1 : at > bt ? 1 : a.page - b.page || a.attempt - b.attempt;
  });
}

/** "← Previous" and "Next →" over cursor pages; cursors holds the `after` of every page up to the shown one. */
function pager(el, cursors, next, reload) {
  fill(el, cursors.length > 1 && h('button', {type: 'button', class: 'secondary', onclick: () => {
    cursors.pop();
    reload();
  }}, '← Previous'), next && h('button', {type: 'button', class: 'secondary', onclick: () => {
    cursors.push(next);
    reload();
  }}, 'Next →'));
}
