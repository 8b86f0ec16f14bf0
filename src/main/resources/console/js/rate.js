// How fast an import is going, in records per second. A running import: from the pages it finished over the last
// seconds this console watched it (else its average so far); a finished one: its average from creation to the end.
import {number} from './dom.js';

const WINDOW_MS = 15000;
const seen = new Map(); // uploadId -> [{at, done}]

export function rate(imp) {
  const perPage = imp.totalPages ? imp.totalRecords / imp.totalPages : 0;
  const done = (imp.chunks?.delivered ?? 0) + (imp.chunks?.undelivered ?? 0);
  const created = Date.parse(imp.createdAt);
  if (imp.completedAt) {
    const seconds = (Date.parse(imp.completedAt) - created) / 1000;
    return seconds > 0 && imp.totalRecords ? `avg ${number(imp.totalRecords / seconds)} rec/s` : '—';
  }
  const now = Date.now();
  const samples = (seen.get(imp.uploadId) ?? []).filter(s => now - s.at <= WINDOW_MS);
  samples.push({at: now, done});
  seen.set(imp.uploadId, samples);
  const first = samples[0];
  if (now - first.at >= 1000) {
    return `${number(((done - first.done) * perPage) / ((now - first.at) / 1000))} rec/s`;
  }
  const seconds = (now - created) / 1000;
  return done && seconds > 0 ? `${number((done * perPage) / seconds)} rec/s` : '—';
}
