// A real Better Auth (the npm package, no mocks) for tests: a temp SQLite file through Node 22's
// node:sqlite, Better Auth's own migrations, and `toNodeHandler(auth)` on a free 127.0.0.1 port.
//
//   const ba = await startBetterAuth({ secret, plugins: [taskgate()] });
//   const { cookies, user } = await ba.signUp({ email, password, name });
//   const res = await ba.fetch('/api/auth/taskgate/token', { headers: { cookie: cookies } });
//   await ba.close();
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';

/**
 * Starts Better Auth. Options go to `betterAuth` as given (`secret`, `secrets`, `plugins`,
 * `session`, `advanced`, and any other under `extra`); `baseURLPath` is its `basePath`
 * (default `/api/auth`). Start-up errors (a plugin's `init` throwing, bad secrets) reject here,
 * with everything already cleaned up.
 *
 * Returns `{ url, authURL, auth, requests, signUp, signIn, fetch, close }`: `url` is the origin
 * (Better Auth's `baseURL`), `authURL` = `url` + basePath, `requests` every request the server got
 * (`{ method, path, headers }`, in order).
 */
export async function startBetterAuth({
  secret,
  secrets,
  plugins = [],
  session,
  advanced,
  baseURLPath,
  extra = {},
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskgate-better-auth-'));
  const db = new DatabaseSync(path.join(dir, 'auth.sqlite'));
  const requests = [];
  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => {
    requests.push({ method: req.method, path: req.url, headers: { ...req.headers } });
    handler(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const basePath = baseURLPath ?? '/api/auth';
  const cleanup = async () => {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(() => resolve()));
    try {
      db.close();
    } catch {
      /* already closed */
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let auth;
  try {
    const options = {
      baseURL: url,
      basePath,
      database: db,
      emailAndPassword: { enabled: true },
      telemetry: { enabled: false },
      logger: { level: 'error' },
      plugins,
      ...(secret !== undefined ? { secret } : {}),
      ...(secrets !== undefined ? { secrets } : {}),
      ...(session !== undefined ? { session } : {}),
      ...(advanced !== undefined ? { advanced } : {}),
      ...extra,
    };
    auth = betterAuth(options);
    await auth.$context; // start-up errors (a plugin's init throwing) surface here
    const { runMigrations } = await getMigrations(options);
    await runMigrations();
    handler = toNodeHandler(auth);
  } catch (e) {
    await cleanup();
    throw e;
  }

  const authURL = url + basePath;
  const doFetch = (p, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('origin')) headers.set('origin', url);
    return fetch(new URL(p, url), { redirect: 'manual', ...init, headers });
  };
  const post = async (p, body, init = {}) => {
    const response = await doFetch(p, {
      method: 'POST',
      ...init,
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const setCookies = response.headers.getSetCookie();
    if (!response.ok) {
      const err = new Error(`${p} answered ${response.status}: ${text}`);
      err.status = response.status;
      throw err;
    }
    return { response, body: json, user: json?.user, setCookies, cookies: cookieHeader(setCookies) };
  };

  return {
    url,
    authURL,
    auth,
    requests,
    /** POST {basePath}/sign-up/email -> { cookies, setCookies, user, body, response } */
    signUp: ({ email, password, name = 'Test User' }) => post(`${basePath}/sign-up/email`, { email, password, name }),
    /** POST {basePath}/sign-in/email -> { cookies, setCookies, user, body, response } */
    signIn: ({ email, password }) => post(`${basePath}/sign-in/email`, { email, password }),
    /** fetch(path on this server, init), with `Origin: url` unless init sets one, no redirects followed. */
    fetch: doFetch,
    close: cleanup,
  };
}

/**
 * Parses one Set-Cookie line: `{ name, value, attributes }` (attribute names lower-case;
 * `expires` as a Date, `max-age` as a number).
 */
export function parseSetCookie(line) {
  const [pair, ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const attributes = {};
  for (const a of attrs) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? true : a.slice(i + 1).trim();
    if (key === 'max-age') attributes[key] = Number(v);
    else if (key === 'expires') attributes[key] = new Date(v);
    else attributes[key] = v;
  }
  return { name, value, attributes };
}

/** A tiny cookie jar: applies Set-Cookie lines (deletions and expiry honoured), gives a Cookie header. */
export class CookieJar {
  #cookies = new Map(); // name -> { value, expires (ms) | undefined }

  constructor(setCookies = []) {
    this.update(setCookies);
  }

  /** Applies Set-Cookie lines (an array, or a Response whose headers carry them). */
  update(setCookies) {
    const lines = setCookies instanceof Response ? setCookies.headers.getSetCookie() : setCookies;
    for (const line of lines) {
      const { name, value, attributes } = parseSetCookie(line);
      let expires;
      if (typeof attributes['max-age'] === 'number' && !Number.isNaN(attributes['max-age'])) {
        expires = Date.now() + attributes['max-age'] * 1000;
      } else if (attributes.expires instanceof Date && !Number.isNaN(attributes.expires.getTime())) {
        expires = attributes.expires.getTime();
      }
      if (value === '' || (expires !== undefined && expires <= Date.now())) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, expires });
    }
    return this;
  }

  /** The live cookies' values by name. */
  get(name) {
    this.#expire();
    return this.#cookies.get(name)?.value;
  }

  names() {
    this.#expire();
    return [...this.#cookies.keys()];
  }

  /** The Cookie request header ('' when empty). */
  header() {
    this.#expire();
    return [...this.#cookies].map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  #expire() {
    for (const [n, c] of this.#cookies) if (c.expires !== undefined && c.expires <= Date.now()) this.#cookies.delete(n);
  }
}

/** The Cookie header a browser would send after these Set-Cookie lines. */
export const cookieHeader = (setCookies) => new CookieJar(setCookies).header();

/** Better Auth's session token from a Set-Cookie list or jar: the part before the signature. */
export function sessionTokenOf(jarOrSetCookies, cookieName = 'better-auth.session_token') {
  const jar = jarOrSetCookies instanceof CookieJar ? jarOrSetCookies : new CookieJar(jarOrSetCookies);
  const raw = jar.get(cookieName) ?? jar.get(`__Secure-${cookieName}`);
  return raw === undefined ? undefined : decodeURIComponent(raw).split('.')[0];
}
