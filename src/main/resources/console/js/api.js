// The console's only way to the server: Hookline's public JSON API, with the API key (when the server has keys)
// as a Bearer token. Tells the page when the server stops or starts answering, and when it wants a key.
import {apiKey} from './key.js';

/** Events: 'unreachable' (detail: the error), 'reachable', 'unauthorized' (detail: whether a key was sent). */
export const connection = new EventTarget();

/** A problem+json answer: status, title, detail, and the errors per field of a 400. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `the server answered ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  get fieldErrors() {
    return this.problem.errors ?? [];
  }
}

/** Thrown when no answer came at all: the server is down, restarting, or the network is gone. */
export class Unreachable extends Error {}

export async function api(path, {method = 'GET', body} = {}) {
  const headers = {Accept: 'application/json'};
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store'});
  } catch (e) {
    connection.dispatchEvent(new CustomEvent('unreachable', {detail: e}));
    throw new Unreachable('the server cannot be reached');
  }
  connection.dispatchEvent(new Event('reachable'));
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = {detail: text.slice(0, 200)};
  }
  if (response.status === 401) {
    connection.dispatchEvent(new CustomEvent('unauthorized', {detail: {keySent: Boolean(key)}}));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The path with the query parameters that have a value. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const enc = encodeURIComponent;
