// Small helpers to build the page. Text always goes in as text nodes, never as HTML, so nothing a receiver or an
// import sent can turn into markup.

/** h('a', {href: '#/x', class: 'link', onclick: fn}, 'text', child, ...) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' || name === 'checked') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.flat(Infinity).filter(c => c != null && c !== false)
    .map(c => (c instanceof Node ? c : String(c))));
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter(c => c != null && c !== false)
    .map(c => (c instanceof Node ? c : String(c))));
  return el;
}

/** A table in a box that scrolls sideways when the table is wider than the screen (the page itself does not). */
export function scrolling(table) {
  return h('div', {class: 'table-scroll'}, table);
}

/** A table head; a column given as [label, 'num'] holds numbers and is aligned right. */
export function head(...columns) {
  return h('thead', {}, h('tr', {}, columns.map(c => (Array.isArray(c)
    ? h('th', {class: c[1]}, c[0]) : h('th', {}, c)))));
}

export function badge(word) {
  return h('span', {class: `badge ${String(word ?? '').toLowerCase()}`}, word ?? '—');
}

const pad = n => String(n).padStart(2, '0');

/** Local time: hh:mm:ss today, else yyyy-mm-dd hh:mm; the full ISO text in the tooltip. */
export function time(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = d.toDateString() === new Date().toDateString();
  const text = today ? clock : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock.slice(0, 5)}`;
  return h('time', {datetime: iso, title: iso}, text);
}

export function number(n) {
  return n == null ? '—' : Number(n).toLocaleString('en-US', {maximumFractionDigits: n < 10 ? 1 : 0});
}

export function duration(ms) {
  if (ms == null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Delivered / undelivered / pending pages as one bar: green and red parts, the rest (pending) is the track.
 * role=progressbar, so its state is readable without looking at colours.
 */
export function progressBar(chunks, totalPages, status) {
  const total = totalPages || 0;
  const {delivered = 0, undelivered = 0, pending = 0} = chunks ?? {};
  const pct = n => (total === 0 ? (status === 'COMPLETED' && n === delivered ? 100 : 0) : (100 * n) / total);
  const bar = h('div', {
    class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total,
    'aria-valuenow': delivered + undelivered,
    'aria-label': `${delivered} delivered, ${undelivered} undelivered, ${pending} pending of ${total} pages`,
  }, h('span', {class: 'delivered'}), h('span', {class: 'undelivered'}));
  bar.children[0].style.width = `${pct(delivered)}%`;
  bar.children[1].style.width = `${pct(undelivered)}%`;
  return h('div', {class: 'progress'}, bar, h('div', {class: 'bar-label'},
    h('span', {class: 'ok'}, `${number(delivered)} delivered`), ' · ',
    h('span', {class: undelivered ? 'bad' : 'muted'}, `${number(undelivered)} undelivered`), ' · ',
    h('span', {class: 'muted'}, `${number(pending)} pending`)));
}

/** A message in the view's notice area: kind is 'info', 'ok' or 'error'. */
export function notice(kind, ...text) {
  return h('div', {class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, ...text);
}
