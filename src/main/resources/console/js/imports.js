// Imports, newest first, filtered by template and status; every row's bar follows its import while it runs.
import {api, withQuery, enc} from './api.js';
import {h, fill, head, badge, time, number, progressBar, scrolling} from './dom.js';
import {rate} from './rate.js';
import {throughputPanel} from './throughput.js';

const STATUSES = ['QUEUED', 'SENDING', 'COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED'];
const PAGE_SIZE = 50;

export function importsView(query) {
  const template = query.get('template') ?? '';
  const status = query.get('status') ?? '';
  const before = query.get('before') ?? '';

  const templateInput = h('input', {name: 'template', id: 'filter-template', value: template,
    placeholder: 'any template', list: 'template-codes', autocomplete: 'off'});
  const statusSelect = h('select', {name: 'status', id: 'filter-status'},
    h('option', {value: ''}, 'any status'),
    STATUSES.map(s => h('option', {value: s, selected: s === status}, s)));
  const codes = h('datalist', {id: 'template-codes'});
  const filters = h('form', {class: 'filters', onsubmit: event => {
    event.preventDefault();
    location.hash = withQuery('#/imports', {template: templateInput.value.trim(), status: statusSelect.value});
  }}, h('label', {}, 'Template ', templateInput), codes, h('label', {}, 'Status ', statusSelect),
  h('button', {type: 'submit'}, 'Filter'),
  (template || status) && h('a', {href: '#/imports', class: 'button secondary'}, 'Clear'));
  statusSelect.addEventListener('change', () => filters.requestSubmit());

  const body = h('tbody');
  const message = h('div', {class: 'view-message'});
  const pager = h('div', {class: 'pager'});
  const table = h('table', {class: 'list', id: 'imports'},
    head('Upload ID', 'Template', 'Status', 'Progress', ['Records', 'num'], 'Created', 'Finished', ['Rate', 'num']),
    body);
  const el = h('div', {class: 'view imports'},
    throughputPanel(),
    h('h1', {}, 'Imports'), filters, message, scrolling(table), pager);

  // the template codes to pick from, when the server lists destinations
  api('/v1/templates?limit=1000').then(page => fill(codes, page.items.map(d => h('option', {value: d.template}))))
    .catch(() => {});

  async function refresh() {
    const page = await api(withQuery('/v1/imports', {template, status, before, limit: PAGE_SIZE}));
    fill(message, page.items.length ? null : h('p', {class: 'empty'}, template || status || before
      ? 'No imports match these filters.'
      : ['No imports yet. POST /v1/imports, or ', h('code', {}, 'bin/hookline import FILE --template CODE'),
        ', and they show up here.']));
    table.hidden = !page.items.length; // no header row without rows under it
    fill(body, page.items.map(row));
    fill(pager, before && h('a', {href: withQuery('#/imports', {template, status}), class: 'button secondary'},
      '← Newest'),
    page.next && h('a', {href: withQuery('#/imports', {template, status, before: page.next}),
      class: 'button secondary'}, 'Older →'));
  }

  return {el, refresh, title: 'Imports'};
}

function row(imp) {
  return h('tr', {dataset: {uploadId: imp.uploadId, status: imp.status}},
    h('td', {}, h('a', {href: `#/imports/${enc(imp.uploadId)}`, class: 'mono'}, imp.uploadId)),
    h('td', {}, h('a', {href: `#/destinations/${enc(imp.template)}`}, imp.template)),
    h('td', {class: 'status'}, badge(imp.status),
      imp.destinationState && imp.destinationState !== 'ACTIVE' && !imp.completedAt
        ? [' ', badge(imp.destinationState)] : null),
    h('td', {class: 'progress-cell'}, progressBar(imp.chunks, imp.totalPages, imp.status)),
    h('td', {class: 'num'}, number(imp.totalRecords)),
    h('td', {}, time(imp.createdAt)),
    h('td', {}, time(imp.completedAt)),
    h('td', {class: 'num rate'}, rate(imp)));
}
