// The settings of a destination as a form. The server validates; its errors are shown next to their fields.
// PUT replaces the whole destination, so the form sends every setting it shows.
import {api, enc, ApiError} from './api.js';
import {h, fill} from './dom.js';

// name, label, kind, hint, placeholder: what the server takes when the field is left empty (README, "Destination
// fields"), shown in the empty field
const FIELDS = [
  ['callbackUrl', 'Callback URL', 'text', 'absolute http or https URL that receives every page', 'required'],
  ['authHeaderName', 'Auth header name', 'text', 'each import\'s authHeaderValue goes in this header', 'none'],
  ['chunkSize', 'Chunk size', 'int', 'records per request, 1 to 10,000 (fixed for an import when it is accepted)',
    '100'],
  ['retryCount', 'Retries', 'int', 'after the first attempt, 0 to 100', '0'],
  ['retryInterval', 'Retry interval (ms)', 'int', 'wait between a failure and the next attempt', '0'],
  ['retryBackoff', 'Backoff', ['fixed', 'exponential'], 'exponential: interval × 2^(n-1), ±20 % jitter'],
  ['maxRetryInterval', 'Longest wait (ms)', 'int', 'cap on one wait', '3600000'],
  ['noRetryStatuses', 'No retry for statuses', 'list', 'e.g. 400, 422: such an answer fails a page at once', 'none'],
  ['timeoutMs', 'Timeout (ms)', 'int', 'whole request, 100 to 300,000', '30000'],
  ['rateLimit', 'Rate limit (requests/s)', 'number', 'over all instances; empty: unlimited', 'unlimited'],
  ['maxConcurrency', 'Max concurrency', 'int', 'requests in flight at once; empty: the server\'s default',
    'the server\'s default'],
  ['ordered', 'Ordered', 'bool', 'page N+1 waits until page N is delivered or finally undelivered'],
  ['notifyUrl', 'Notice URL', 'text', 'receives import.completed and other notices; empty: none', 'none'],
  ['recordFormat', 'Record format', 'json', 'a JSON object with {{key}} placeholders; empty: records as they came',
    'none: records as they came'],
  ['chunkFormat', 'Chunk format', 'json', 'a JSON object with {{data}}, {{page}}, …; empty: the standard body',
    'none: the standard body'],
  ['signingSecret', 'Signing secret', 'secret', ''],
];

/**
 * code: the template (null: a new destination, whose code is a field too). onSaved(destination) after a PUT
 * succeeded; onProblem(text or null) for errors that belong to no field.
 */
export function settingsForm(code, onSaved, onProblem) {
  let dirty = false;
  let signing = false;
  const inputs = new Map();
  const errors = new Map();

  const fieldRow = (name, label, kind, hint, placeholder) => {
    const id = `field-${name}`;
    let input;
    if (Array.isArray(kind)) input = h('select', {id, name}, kind.map(v => h('option', {value: v}, v)));
    else if (kind === 'bool') input = h('input', {id, name, type: 'checkbox'});
    else if (kind === 'json') input = h('textarea', {id, name, rows: 3, spellcheck: 'false', class: 'mono',
      placeholder});
    else if (kind === 'secret') input = h('input', {id, name, type: 'password', autocomplete: 'off', class: 'mono'});
    else input = h('input', {id, name, type: 'text', inputmode: kind === 'int' ? 'numeric' : null,
      autocomplete: 'off', spellcheck: 'false', placeholder});
    inputs.set(name, [input, kind]);
    const error = h('p', {class: 'field-error', id: `error-${name}`, 'aria-live': 'polite'});
    errors.set(name, error);
    input.setAttribute('aria-describedby', error.id);
    return h('div', {class: 'field', dataset: {field: name}}, h('label', {for: id}, label),
      h('div', {}, input, hint && h('small', {class: 'hint'}, hint), error));
  };

  const secretHint = h('small', {class: 'hint', id: 'secret-hint'});
  const el = h('form', {class: 'settings', id: 'settings', novalidate: true, onsubmit: submit,
    // once a person is at the form, the page stops refreshing it from the server
    oninput: () => { dirty = true; }, onfocusin: () => { dirty = true; }},
  code ? null : fieldRow('template', 'Template code', 'text', '1 to 100 of A-Z a-z 0-9 _ -'),
  FIELDS.map(f => fieldRow(...f)),
  h('div', {class: 'field'}, h('span'), secretHint),
  h('div', {class: 'form-actions'}, h('button', {type: 'submit', id: 'save'}, code ? 'Save' : 'Create')));
  showSigning(false);

  function show(d) {
    showSigning(Boolean(d.signing));
    for (const [name, [input, kind]] of inputs) {
      const value = d[name];
      if (kind === 'bool') input.checked = Boolean(value);
      else if (kind === 'json') input.value = value == null ? '' : JSON.stringify(value, null, 2);
      else if (kind === 'list') input.value = (value ?? []).join(', ');
      else if (kind === 'secret') input.value = '';
      else if (name !== 'template') input.value = value ?? '';
    }
    dirty = false;
  }

  /** The secret's placeholder and hint: whether the destination signs (a new one does not). */
  function showSigning(on) {
    signing = on;
    inputs.get('signingSecret')[0].placeholder = signing ? '•••••••• (set; not shown)'
      : 'none: requests are not signed';
    secretHint.textContent = signing
      ? 'Signing is on. Saving replaces the whole destination: enter the current secret to keep it, or leave this '
        + 'empty to turn signing off.'
      : 'whsec_ + base64 of 24 to 64 random bytes; empty: requests are not signed.';
  }

  /** The PUT body: every field with a value (an empty one takes the server's default). */
  function body() {
    const out = {};
    for (const [name, [input, kind]] of inputs) {
      if (name === 'template') continue;
      if (kind === 'bool') {
        out[name] = input.checked;
        continue;
      }
      const text = input.value.trim();
      if (text === '') continue;
      if (kind === 'int' || kind === 'number') out[name] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      else if (kind === 'list') out[name] = text.split(/[\s,]+/).filter(Boolean)
        .map(s => (/^\d+$/.test(s) ? Number(s) : s));
      else if (kind === 'json') {
        try {
          out[name] = JSON.parse(text);
        } catch (e) {
          throw new FieldProblem(name, `is not valid JSON (${e.message})`);
        }
      } else out[name] = text;
    }
    return out;
  }

  async function submit(event) {
    event.preventDefault();
    errors.forEach(e => fill(e));
    el.querySelectorAll('.field.invalid').forEach(f => f.classList.remove('invalid'));
    onProblem(null);
    const template = code ?? inputs.get('template')[0].value.trim();
    let put;
    try {
      put = body();
    } catch (e) {
      if (!(e instanceof FieldProblem)) throw e;
      markField(e.field, e.message);
      return;
    }
    if (!template) {
      markField('template', 'is required');
      return;
    }
    if (signing && !put.signingSecret
        && !confirm('Without the current signing secret, saving turns signing off. Save anyway?')) return;
    try {
      const saved = await api(`/v1/templates/${enc(template)}/destination`, {method: 'PUT', body: put});
      dirty = false;
      onSaved(saved);
    } catch (e) {
      if (!(e instanceof ApiError)) {
        onProblem(`Not saved: ${e.message}`);
        return;
      }
      const unplaced = e.fieldErrors.filter(fe => !markField(fe.field, fe.message));
      onProblem(e.fieldErrors.length === 0 || unplaced.length
        ? [`Not saved: ${e.message}`, ...unplaced.map(fe => ` ${fe.field} ${fe.message}.`)].join('')
        : 'Not saved: see the fields marked below.');
    }
  }

  /** Shows message under the field it names ("noRetryStatuses[1]" belongs to noRetryStatuses); false: no such field. */
  function markField(field, message) {
    const name = String(field ?? '').split(/[.[]/)[0];
    const error = errors.get(name === 'code' ? 'template' : name);
    if (!error) return false;
    error.textContent = `${field} ${message}`;
    error.closest('.field').classList.add('invalid');
    return true;
  }

  return {el, show, dirty: () => dirty};
}

class FieldProblem extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}
