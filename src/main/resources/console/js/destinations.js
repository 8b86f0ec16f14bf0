// Destinations: the list with their state, and one destination's settings, state and actions.
import {api, withQuery, enc, ApiError} from './api.js';
import {h, fill, head, badge, number, notice, scrolling} from './dom.js';
import {settingsForm} from './settings-form.js';

const PAGE_SIZE = 100;
let justCreated = null; // the code of the destination the new-destination form created; its page says so

export function destinationsView(query) {
  const after = query.get('after') ?? '';
  const body = h('tbody');
  const message = h('div', {class: 'view-message'});
  const pager = h('div', {class: 'pager'});
  const table = h('table', {class: 'list', id: 'destinations'},
    head('Template', 'State', 'Callback URL', ['Chunk size', 'num'], ['Retries', 'num'], ['Rate limit', 'num'],
      ['Concurrency', 'num'], 'Signing'),
    body);
  const el = h('div', {class: 'view destinations'},
    h('div', {class: 'title-row'}, h('h1', {}, 'Destinations'),
      h('a', {href: '#/destinations/new', class: 'button', id: 'new-destination'}, 'New destination')),
    message, scrolling(table), pager);

  async function refresh() {
    const page = await api(withQuery('/v1/templates', {after, limit: PAGE_SIZE}));
    fill(message, page.items.length ? null : h('p', {class: 'empty'},
      'No destinations yet. Create one here, or with PUT /v1/templates/{code}/destination.'));
    table.hidden = !page.items.length;
    fill(body, page.items.map(d => h('tr', {dataset: {template: d.template, state: d.state}},
      h('td', {}, h('a', {href: `#/destinations/${enc(d.template)}`}, d.template)),
      h('td', {class: 'state'}, badge(d.state)),
      h('td', {class: 'mono url'}, d.callbackUrl),
      h('td', {class: 'num'}, number(d.chunkSize)),
      h('td', {class: 'num'}, d.retryCount),
      h('td', {class: 'num'}, d.rateLimit == null ? 'none' : `${d.rateLimit}/s`),
      h('td', {class: 'num'}, d.maxConcurrency ?? 'default'),
      h('td', {}, d.signing ? 'on' : 'off'))));
    fill(pager, after && h('a', {href: '#/destinations', class: 'button secondary'}, '← First'),
      page.next && h('a', {href: withQuery('#/destinations', {after: page.next}), class: 'button secondary'},
        'Next →'));
  }

  return {el, refresh, title: 'Destinations'};
}

/** One destination (code null: a new one). */
export function destinationView(code) {
  const path = template => `/v1/templates/${enc(template)}/destination`;
  const message = h('div', {class: 'view-message'});
  const head = h('div', {class: 'panel-head'});
  const actions = h('div', {class: 'actions'});
  const testPanel = h('div');
  const form = settingsForm(code, saved => {
    if (code) {
      fill(message, notice('ok', 'Saved.'));
      draw(saved);
    } else {
      // the destination's own view replaces this one: it shows the notice
      justCreated = saved.template;
      location.hash = `#/destinations/${enc(saved.template)}`;
    }
  }, error => fill(message, error && notice('error', error)));
  if (code && code === justCreated) {
    fill(message, notice('ok', 'Created.'));
    justCreated = null;
  }
  let shown = null;
  let drawn = ''; // state and signing the head and the buttons show; redrawn only when they change

  const el = h('div', {class: 'view destination'},
    h('p', {class: 'crumbs'}, h('a', {href: '#/destinations'}, '← Destinations')),
    h('h1', {}, code ? ['Destination ', h('span', {class: 'mono'}, code)] : 'New destination'),
    message,
    code && h('section', {class: 'panel'}, head, actions, testPanel),
    h('section', {class: 'panel'}, h('h2', {}, 'Settings'), form.el));

  async function act(what, run) {
    try {
      await run();
    } catch (e) {
      fill(message, notice('error', `${what} failed: ${e.message}`));
    }
  }

  function draw(d) {
    shown = d;
    el.dataset.state = d.state;
    if (!form.dirty()) form.show(d);
    if (drawn === `${d.state} ${d.signing}`) return;
    drawn = `${d.state} ${d.signing}`;
    fill(head, h('div', {}, h('span', {class: 'muted'}, 'State '), h('span', {id: 'state'}, badge(d.state)),
      h('span', {class: 'muted'}, d.state === 'PAUSED' ? ' — no new attempt starts; pages wait without spending retries'
        : d.state === 'CIRCUIT_OPEN' ? ' — it kept failing; Hookline probes it before sending more' : '')),
    h('a', {href: withQuery('#/imports', {template: d.template}), class: 'button secondary'}, 'Its imports'));
    fill(actions,
      d.state === 'PAUSED'
        ? h('button', {id: 'resume', type: 'button', onclick: () => act('Resume', async () => {
          draw(await api(`${path(code)}/resume`, {method: 'POST'}));
          fill(message, notice('ok', 'Resumed: delivery goes on.'));
        })}, 'Resume')
        : h('button', {id: 'pause', type: 'button', onclick: () => act('Pause', async () => {
          draw(await api(`${path(code)}/pause`, {method: 'POST'}));
          fill(message, notice('ok', 'Paused: attempts in flight finish, no new one starts.'));
        })}, 'Pause'),
      h('button', {id: 'send-test', type: 'button', class: 'secondary', onclick: () => act('Send test', sendTest)},
        'Send test request'),
      h('button', {id: 'rotate', type: 'button', class: 'secondary', onclick: () => act('Rotate', rotate)},
        d.signing ? 'Rotate signing secret' : 'Turn on signing'));
  }

  async function sendTest() {
    fill(testPanel, h('p', {class: 'muted'}, 'Sending one test request…'));
    const r = await api(`${path(code)}/test`, {method: 'POST'});
    fill(testPanel, h('div', {id: 'test-result', class: `test-result ${r.delivered ? 'ok' : 'bad'}`},
      h('h3', {}, r.delivered ? 'The receiver took the test request' : 'The test request was not delivered'),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Status'), h('dd', {class: 'status-code'}, r.statusCode ?? 'no response'),
        h('dt', {}, 'Duration'), h('dd', {}, `${r.durationMs ?? '—'} ms`),
        r.error && [h('dt', {}, 'Error'), h('dd', {class: 'error'}, r.error)]),
      r.responseExcerpt ? h('pre', {class: 'excerpt'}, r.responseExcerpt)
        : h('p', {class: 'muted'}, 'The response had no body.'),
      shown?.authHeaderName && h('p', {class: 'muted', id: 'test-auth-note'}, 'The auth header ',
        h('code', {}, shown.authHeaderName), ' is not sent with test requests: its value comes with each import, '
        + 'and there is none outside an import. A receiver that requires it may answer 401 here.')));
  }

  async function rotate() {
    const wasSigning = Boolean(shown?.signing);
    const warning = wasSigning
      ? 'Make a new signing secret? For 24 hours requests carry signatures of both the old and the new one.'
      : 'Sign every request from now on with a new secret?';
    if (!confirm(warning)) return;
    const r = await api(`${path(code)}/rotate-secret`, {method: 'POST'});
    fill(testPanel, h('div', {class: 'secret-once'},
      h('h3', {}, 'New signing secret'),
      h('p', {}, 'Shown this once: copy it to the receiver now. Hookline keeps it encrypted and never shows it again.'),
      h('input', {id: 'new-secret', class: 'mono', readonly: true, value: r.signingSecret, onfocus: e => e.target.select()}),
      // with signing off before, there was no previous secret to keep
      wasSigning && r.previousSecretValidHours ? h('p', {class: 'muted'},
        `The previous secret keeps signing too for ${r.previousSecretValidHours} hours.`) : null));
    draw(await api(path(code)));
  }

  async function refresh() {
    if (!code) return null;
    try {
      draw(await api(path(code)));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(el, h('p', {class: 'crumbs'}, h('a', {href: '#/destinations'}, '← Destinations')),
          h('h1', {}, 'Destination ', h('span', {class: 'mono'}, code)),
          notice('error', `Template “${code}” has no destination. `, h('a', {href: '#/destinations/new'},
            'Create one.')));
        return {stop: true};
      }
      throw e;
    }
    return null;
  }

  return {el, refresh, title: code ? `Destination ${code}` : 'New destination'};
}
