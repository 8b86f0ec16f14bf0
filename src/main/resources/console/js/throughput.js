// Chunks delivered per second, from this server's /metrics (the counter hookline_attempts_total with
// outcome="delivered", summed over destinations), sampled while the console is open. Another instance on the same
// database delivers too, but its counts are on its own /metrics.
import {h, fill, number} from './dom.js';

const INTERVAL_MS = 3000;
const KEEP = 100; // 5 minutes of samples
const NS = 'http://www.w3.org/2000/svg';

const rates = []; // {at, perSecond}
let last = null; // {at, total}
let timer = null;
const listeners = new Set();

export function startSampling() {
  if (timer) return;
  sample();
  timer = setInterval(sample, INTERVAL_MS);
}

async function sample() {
  if (document.hidden) return;
  let total;
  try {
    const response = await fetch('/metrics', {cache: 'no-store'});
    if (!response.ok) return;
    total = deliveredTotal(await response.text());
  } catch {
    return; // the server is unreachable: the API calls say so
  }
  const at = Date.now();
  // a counter that went down belongs to a restarted server: start again from it
  if (last && total >= last.total) {
    rates.push({at, perSecond: (total - last.total) / ((at - last.at) / 1000)});
    if (rates.length > KEEP) rates.shift();
  }
  last = {at, total};
  listeners.forEach(draw => draw());
}

/** The sum of every hookline_attempts_total{...outcome="delivered"...} sample in Prometheus text. */
export function deliveredTotal(text) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('hookline_attempts_total{') && line.includes('outcome="delivered"')) {
      sum += Number(line.slice(line.lastIndexOf('}') + 1).trim().split(' ')[0]) || 0;
    }
  }
  return sum;
}

/** A panel that redraws itself on every sample while it is on the page. */
export function throughputPanel() {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${KEEP * 6} 60`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  const caption = h('div', {class: 'chart-caption'});
  const panel = h('section', {class: 'panel throughput'},
    h('h2', {}, 'Chunks delivered per second'), svg, caption);

  const draw = () => {
    const peak = Math.max(0, ...rates.map(r => r.perSecond));
    const scale = Math.max(1, peak); // a quiet minute draws flat, not as a full-height bar of 0.1/s
    const bars = rates.map((r, i) => {
      const height = Math.max(r.perSecond > 0 ? 1 : 0, (58 * r.perSecond) / scale);
      const rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', (KEEP - rates.length + i) * 6);
      rect.setAttribute('width', 5);
      rect.setAttribute('y', 60 - height);
      rect.setAttribute('height', height);
      return rect;
    });
    const now = rates.at(-1)?.perSecond;
    svg.setAttribute('aria-label', `chunks delivered per second, now ${now ?? 'unknown'}`);
    fill(svg, bars);
    fill(caption, rates.length === 0
      ? h('span', {class: 'muted'}, 'measuring… (a bar every 3 s, the last 5 minutes, from this server\'s /metrics)')
      : [h('span', {class: 'now'}, `now ${number(now)}/s`), ` · peak ${number(peak)}/s`,
        h('span', {class: 'muted'}, ` · last ${Math.round((rates.at(-1).at - rates[0].at) / 60000) || '<1'} min`)]);
  };
  const onSample = () => (panel.isConnected ? draw() : listeners.delete(onSample));
  listeners.add(onSample);
  draw();
  return panel;
}
