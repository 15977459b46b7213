// A small client for the task API.

/** How long one request may take before its test fails (a hung server must not hang the suite). */
const CALL_TIMEOUT_MS = 60_000;

/**
 * Calls the API. `body` is JSON-encoded unless it is a string or Buffer (sent as is).
 * Returns { status, headers, text, json }.
 */
export async function call(base, method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token !== undefined) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
    payload = JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  // Bounded: a request the server never answers fails its test by name instead of hanging the suite.
  let res;
  let text;
  try {
    res = await fetch(base + path, {
      method,
      headers: h,
      body: payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (e) {
    throw new Error(`${method} ${path}: no answer from ${base} (${e.name}: ${e.message})`, { cause: e });
  }
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A client bound to a server and a token. */
export function client(base, token) {
  return {
    get: (p, o = {}) => call(base, 'GET', p, { token, ...o }),
    post: (p, body, o = {}) => call(base, 'POST', p, { token, body, ...o }),
    put: (p, body, o = {}) => call(base, 'PUT', p, { token, body, ...o }),
    patch: (p, body, o = {}) => call(base, 'PATCH', p, { token, body, ...o }),
    del: (p, o = {}) => call(base, 'DELETE', p, { token, ...o }),
  };
}
