// How fast an import delivers, in records per second: only delivered pages count, so an import whose attempts all
// failed has no rate ("—"). A running import: from the pages delivered over the last seconds this console watched
// it (else its average so far); a finished one: its average from creation to the end.
// The API gives page counts, not record counts per page: when every page was delivered the records are exact,
// otherwise they are delivered pages × the import's records per page, an estimate marked "≈".
import {number} from './dom.js';

const WINDOW_MS = 15000;
const seen = new Map(); // uploadId -> [{at, delivered}]

export function rate(imp) {
  const perPage = imp.totalPages ? imp.totalRecords / imp.totalPages : 0;
  const delivered = imp.chunks?.delivered ?? 0;
  const exact = Boolean(imp.completedAt) && delivered === imp.totalPages;
  const records = pages => (exact ? imp.totalRecords : pages * perPage);
  const shown = perSecond => `${exact ? '' : '≈'}${number(perSecond)} rec/s`;
  const created = Date.parse(imp.createdAt);
  if (imp.completedAt) {
    const seconds = (Date.parse(imp.completedAt) - created) / 1000;
    return seconds > 0 && delivered && imp.totalRecords ? `avg ${shown(records(delivered) / seconds)}` : '—';
  }
  const now = Date.now();
  const samples = (seen.get(imp.uploadId) ?? []).filter(s => now - s.at <= WINDOW_MS);
  samples.push({at: now, delivered});
  seen.set(imp.uploadId, samples);
  const first = samples[0];
  if (now - first.at >= 1000) {
    return shown(((delivered - first.delivered) * perPage) / ((now - first.at) / 1000));
  }
  const seconds = (now - created) / 1000;
  return delivered && seconds > 0 ? shown((delivered * perPage) / seconds) : '—';
}
