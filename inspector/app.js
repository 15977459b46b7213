// The token inspector: decode, explain and (optionally) verify a token, or a Better Auth session
// cookie (its cookie cache, in any strategy), in this page only. It uses the npm package's browser
// build (./pkg/full/browser.js); it makes no network request of its own. Token text is only ever
// put in the page with textContent, never as HTML; a session's live key (session.token) is never
// shown: the package hands out every claims set with it redacted.
import {
  createVerifier,
  inspect,
  sign,
  TokenError,
  CLAIMS,
  ERRORS,
  ALGORITHMS,
  SESSION_CACHE_STRATEGIES,
} from './pkg/full/browser.js';

const $ = (id) => document.getElementById(id);
const TIME = new Set(['exp', 'nbf', 'iat']);
/** The algorithms verified with a key of a JWK Set (the crate's list). */
const ASYMMETRIC = Object.keys(ALGORITHMS).filter((a) => ALGORITHMS[a]);
/** What to do about an error code: the crate's hint. */
const fix = (code) => ERRORS[code]?.hint ?? '';

/**
 * The page's clock, in seconds: fixed by `?now=SECONDS` in the address (tests, and a cookie
 * recorded earlier: Better Auth's cookie cache lives minutes), else the system's.
 */
const FIXED_NOW = (() => {
  const n = Number(new URLSearchParams(location.search).get('now'));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
})();
const nowSeconds = () => FIXED_NOW ?? Date.now() / 1000;

/** What each strategy of Better Auth's session cookie cache is, and what reading it here takes. */
const STRATEGY_NOTES = {
  compact:
    "compact, Better Auth's default: base64url JSON with an HMAC-SHA256 signature. This page shows it only once the secret has checked that signature: enter the secret below.",
  jwt: 'jwt: an HS256 JWT. Decoded here without the secret (its session key hidden); enter the secret below to verify it.',
  jwe: 'jwe: encrypted (dir + A256CBC-HS512). Nothing in it can be read without the secret: enter the secret below.',
};

/** A cookie of Better Auth's session cache in a Cookie header: `[__Secure-]{prefix}.session_data[.N]=`. */
const SESSION_DATA = /(?:^|;)\s*(?:__Secure-)?([^=;\s]+)\.session_data(?:\.\d+)?=/;

/** "3 h 12 min", "45 s", "2 d 4 h": the two largest units. */
export function span(seconds) {
  let s = Math.abs(Math.round(seconds));
  const parts = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ]) {
    if (s >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

function relative(claim, at, now) {
  const d = at - now;
  if (claim === 'exp') return d > 0 ? `expires in ${span(d)}` : `expired ${span(d)} ago`;
  if (claim === 'nbf') return d > 0 ? `valid in ${span(d)}` : `valid since ${span(d)} ago`;
  return d > 0 ? `issued ${span(d)} in the future` : `issued ${span(d)} ago`;
}

const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

let current = null; // the last inspection

function renderSegments(token) {
  const box = $('segments');
  box.replaceChildren();
  if (!token) return;
  const parts = token.split('.');
  const classes = ['seg-h', 'seg-p', 'seg-s'];
  parts.forEach((p, i) => {
    if (i) box.append(el('span', '.', 'seg-dot'));
    box.append(el('span', p, classes[Math.min(i, 2)]));
  });
}

function pretty(value, text) {
  if (value !== null) return JSON.stringify(value, null, 2);
  return text ?? '—';
}

function warningsFor(i) {
  const out = i.problems.map((p) => ({
    kind: 'problem',
    text: `${p.code}${p.claim ? ` (${p.claim})` : ''}: ${p.message}`,
  }));
  const p = i.payload && typeof i.payload === 'object' ? i.payload : null;
  if (p) {
    if (p.exp === undefined)
      out.push({ kind: 'warn', text: 'No "exp": the token never expires (TaskGate refuses it).' });
    if (typeof p.exp === 'number' && typeof p.iat === 'number' && p.exp - p.iat > 86400) {
      out.push({ kind: 'warn', text: `Long lifetime: ${span(p.exp - p.iat)} (over 24 h) between "iat" and "exp".` });
    }
    if (i.sessionCache) {
      out.push({
        kind: 'note',
        text: 'A Better Auth session cookie cache as a JWS (session.cookieCache.strategy "jwt"): the user is session.userId. TaskGate accepts it only where enabled (BETTER_AUTH_SESSION_CACHE=jwt); its live session key (session.token) is hidden here.',
      });
    } else if (p.sub === undefined) {
      out.push({ kind: 'warn', text: 'No "sub": TaskGate takes the user id from it.' });
    }
  }
  const h = i.header && typeof i.header === 'object' ? i.header : null;
  if (h && ASYMMETRIC.includes(h.alg)) {
    out.push({
      kind: 'note',
      text: `"alg" is ${h.alg}: verified with a key of a JWK Set (JWKS, JWKS_URL or BETTER_AUTH_URL), named by "kid"; "iss" and "aud" are required.`,
    });
  } else if (h && h.alg !== 'HS256') {
    out.push({
      kind: 'warn',
      text: `"alg" is ${JSON.stringify(h.alg)}: TaskGate accepts ${Object.keys(ALGORITHMS).join(', ')} (all but HS256 with a JWK Set).`,
    });
  }
  if (i.problems.length === 0 && i.segmentCount === 3)
    out.push({ kind: 'warn', text: 'Decoding does not check the signature: use Verify with the secret.' });
  return out;
}

function renderClaims() {
  const body = $('claims').tBodies[0];
  body.replaceChildren();
  const p = current?.payload;
  if (!p || typeof p !== 'object') return;
  const now = nowSeconds();
  const names = [...CLAIMS.filter((n) => n in p), ...Object.keys(p).filter((n) => !CLAIMS.includes(n))];
  for (const name of names) {
    const v = p[name];
    const tr = el('tr');
    tr.append(el('th', name));
    tr.lastChild.scope = 'row';
    const date = TIME.has(name) ? current.times[name] : null;
    const cells = [
      ['Value', typeof v === 'string' ? v : JSON.stringify(v)],
      ['UTC', date ? date.toISOString().replace('.000Z', 'Z') : ''],
      ['Local', date ? date.toLocaleString() : ''],
      ['Relative', date ? relative(name, v, now) : ''],
    ];
    for (const [label, text] of cells) {
      const td = el('td', text);
      td.dataset.label = label;
      if (label === 'Relative' && date) td.dataset.claim = name;
      tr.append(td);
    }
    body.append(tr);
  }
}

const cookieMode = () => $('mode-cookie').checked;

/** Shows an inspection: header, payload, the first problem, the claims. */
function showInspection(i) {
  current = i;
  $('header').textContent = pretty(i.header, i.headerText);
  $('payload').textContent = pretty(i.payload, i.payloadText);
  const first = i.problems[0];
  $('status').textContent = first
    ? `TaskGate would refuse it: ${first.code}${first.claim ? ` (${first.claim})` : ''}.`
    : 'Well-formed. Verify with the secret to check the signature.';
  renderClaims();
}

function showWarnings(list) {
  $('warnings').replaceChildren(
    ...(list.length ? list.map((w) => el('li', w.text, w.kind)) : [el('li', 'None.', 'muted')]),
  );
}

function render() {
  const text = $('token').value.trim();
  $('verdict').replaceChildren();
  current = null;
  $('segments').replaceChildren();
  $('header').textContent = '—';
  $('payload').textContent = '—';
  $('claims').tBodies[0].replaceChildren();
  if (!text) {
    $('status').textContent = cookieMode() ? 'Paste a session cookie to start.' : 'Paste a token to start.';
    $('warnings').replaceChildren(el('li', 'None yet.', 'muted'));
    return;
  }
  if (cookieMode()) renderCookie(text);
  else renderToken(text);
  if ($('secret').value) runVerify();
}

function renderToken(token) {
  renderSegments(token);
  let i = inspect(token, options());
  // A Better Auth session cookie cache is judged by its own rules (section 3.3).
  if (i.sessionCache) i = inspect(token, { ...options(), sessionCache: true });
  showInspection(i);
  const list = warningsFor(i);
  if (SESSION_DATA.test(token.replace(/^cookie:\s*/i, ''))) {
    list.unshift({ kind: 'warn', text: 'This is a Cookie header: choose "A Better Auth session cookie" above.' });
  }
  showWarnings(list);
}

/**
 * The pasted text as a Cookie header for the verifier's `authorize` (a bare value becomes the
 * `better-auth.session_data` cookie), the cookie prefix it names, and the cookie's value.
 */
function cookieInput(text) {
  const t = text.replace(/^cookie:\s*/i, '').trim();
  const m = SESSION_DATA.exec(t);
  if (m) return { header: t, prefix: m[1], value: cookieValue(t, m[1]) };
  // `name=value` pairs without the session cache's cookie (base64url has no '=' but padding).
  if (/=[^=]|;/.test(t)) return { header: t, prefix: undefined, value: '' };
  return { header: `better-auth.session_data=${t}`, prefix: undefined, value: t };
}

/**
 * The session cache cookie's value in `header`, whole or its chunks joined, for decoding a `jwt`
 * one and naming its shape only: the verdict is the verifier's own reading of the header.
 */
function cookieValue(header, prefix) {
  const jar = new Map();
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (at > 0 && !jar.has(name))
      jar.set(
        name,
        pair
          .slice(at + 1)
          .trim()
          .replace(/^"|"$/g, ''),
      );
  }
  for (const secure of ['__Secure-', '']) {
    const name = `${secure}${prefix}.session_data`;
    if (jar.get(name)) return jar.get(name);
    let joined = '';
    for (let i = 0; jar.has(`${name}.${i}`); i++) joined += jar.get(`${name}.${i}`);
    if (joined) return joined;
  }
  return '';
}

/** The strategy a value looks like (a hint only: the verifier reads the strategy picked). */
function shapeOf(value) {
  const n = value.split('.').length;
  return n === 5 ? 'jwe' : n === 3 ? 'jwt' : n === 1 ? 'compact' : null;
}

function renderCookie(text) {
  const strategy = $('strategy').value;
  const input = cookieInput(text);
  const list = [];
  if (!input.value) {
    const none = 'This Cookie header has no better-auth.session_data cookie (nor its chunks).';
    $('status').textContent = none;
    list.push({ kind: 'problem', text: none });
  } else if (strategy === 'jwt') {
    renderSegments(input.value);
    showInspection(inspect(input.value, { ...options(), sessionCache: 'jwt', sessionCacheVersion: cacheVersion() }));
    list.push(
      ...current.problems.map((p) => ({
        kind: 'problem',
        text: `${p.code}${p.claim ? ` (${p.claim})` : ''}: ${p.message}`,
      })),
    );
  } else {
    $('status').textContent =
      strategy === 'jwe'
        ? 'Encrypted (jwe): enter the secret below to read and verify it.'
        : 'A compact cookie: enter the secret below to check its signature and see the session.';
  }
  const shape = input.value && shapeOf(input.value);
  if (shape && shape !== strategy) {
    list.push({
      kind: 'warn',
      text: `It has the shape of the "${shape}" strategy, not "${strategy}": pick the strategy your app sets (session.cookieCache.strategy).`,
    });
  }
  list.push({
    kind: 'note',
    text: 'Better Auth\'s live session key (session.token) is never shown here: the verified claims carry "[redacted]" in its place. TaskGate reads this cookie where BETTER_AUTH_SESSION_CACHE names its strategy.',
  });
  showWarnings(list);
}

const cacheVersion = () => $('cache-version').value.trim() || undefined;

function options() {
  const leeway = Number.parseInt($('leeway').value || '0', 10);
  return {
    issuer: $('issuer').value.trim() || undefined,
    audience: $('audience').value.trim() || undefined,
    leeway: Number.isInteger(leeway) ? leeway : 0,
    now: FIXED_NOW,
  };
}

function runVerify() {
  const box = $('verdict');
  const text = $('token').value.trim();
  const secret = $('secret').value;
  const cookie = cookieMode() ? cookieInput(text) : null;
  let result;
  try {
    if (!secret && !$('jwks').value.trim())
      throw new TokenError(
        'invalid_config',
        undefined,
        cookie ? 'enter the secret to read and verify the cookie' : 'enter a secret (or a JWK Set) to verify',
      );
    // A session cookie cache is verified by its own rules (section 3.3), as where it is enabled;
    // an asymmetric token against the pasted JWK Set, with the issuer/audience as its iss/aud.
    const jwks = $('jwks').value.trim();
    const keys = jwks ? { ...(secret ? toObject(keysFrom('secret')) : {}), jwks } : keysFrom('secret');
    const o = options();
    const common = { ...o, jwksIssuer: o.issuer, jwksAudience: o.audience };
    if (cookie) {
      // The cookie as the API reads it from a request: the strategy picked, its version, and
      // the prefix the pasted header names (chunks joined by the verifier).
      const v = createVerifier(keys, {
        ...common,
        sessionCache: $('strategy').value,
        sessionCacheVersion: cacheVersion(),
        cookiePrefix: cookie.prefix,
      });
      try {
        const r = v.authorize({ cookie: cookie.header });
        result = r.ok
          ? { ok: true, user: r.verified.userId, claims: r.verified.claims, header: r.verified.header }
          : { ok: false, code: r.error.code, claim: r.error.claim, message: r.error.message };
      } finally {
        v.free();
      }
    } else {
      const v = createVerifier(keys, { ...common, sessionCache: Boolean(current?.sessionCache) });
      try {
        result = { ok: true, user: v.verify(text).userId };
      } finally {
        v.free();
      }
    }
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    result = { ok: false, code: e.code, claim: e.claim, message: e.message };
  }
  if (cookie) showCookieVerdict(result, cookie);
  const div = el('div', undefined, `box ${result.ok ? 'ok' : 'bad'}`);
  div.id = 'verdict-box';
  if (result.ok) {
    div.append(el('strong', 'Verified.'), ' User id: ', el('span', result.user, 'code'));
    div.querySelector('.code').id = 'verified-user';
    if (cookie) {
      const session = result.claims.session;
      const id = session && typeof session === 'object' ? session.id : undefined;
      div.append(
        el(
          'p',
          `A session of Better Auth's cookie cache (strategy ${$('strategy').value})${typeof id === 'string' ? `, session id ${id}` : ''}: its claims are under Decoded and Claims, its live key (session.token) redacted.`,
        ),
      );
    }
  } else {
    const code = el('span', result.code, 'code');
    code.id = 'verdict-code';
    div.append(el('strong', 'Refused: '), code);
    if (result.claim) div.append(` (claim "${result.claim}")`);
    div.append(el('p', `${result.message[0].toUpperCase()}${result.message.slice(1)}.`));
    div.append(el('p', `How to fix: ${fix(result.code)}`));
  }
  box.replaceChildren(div);
}

/** A cookie's verdict in the decoded panels: the verified claims (key redacted), or the refusal. */
function showCookieVerdict(result, cookie) {
  if (result.ok) {
    const times = {};
    for (const c of TIME) {
      const t = result.claims[c];
      times[c] = typeof t === 'number' && Number.isFinite(t) ? new Date(t * 1000) : null;
    }
    current = { header: result.header, payload: result.claims, times };
    $('header').textContent = pretty(result.header);
    $('payload').textContent = pretty(result.claims);
    $('status').textContent = `Verified: a session of user ${result.user}.`;
    renderClaims();
  } else if (cookie.value) {
    $('status').textContent = `TaskGate would refuse it: ${result.code}${result.claim ? ` (${result.claim})` : ''}.`;
  }
}

/** Keys as an object, to add a JWK Set beside them. */
const toObject = (keys) => (typeof keys === 'string' ? { secret: keys } : keys);

/** Fetches the JWK Set at the URL field into the JWK Set field (only when asked to). */
async function fetchJwks() {
  const url = $('jwks-url').value.trim();
  if (!url) return;
  try {
    const r = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'omit' });
    $('jwks').value = r.ok ? JSON.stringify(await r.json()) : '';
    if (!r.ok) throw new Error(`${url} answered ${r.status}`);
    if ($('token').value.trim()) runVerify();
  } catch (e) {
    $('verdict').replaceChildren(el('div', `Could not fetch the JWK Set: ${e.message}`, 'box bad'));
  }
}

/** The keys in field `id`: one secret, or a BETTER_AUTH_SECRETS ring when its box is ticked. */
function keysFrom(id) {
  const value = $(id).value;
  return $(`${id}-is-ring`).checked ? { secrets: value } : value;
}

function mint(event) {
  event.preventDefault();
  $('mint-error').hidden = true;
  const user = $('mint-user').value.trim();
  const email = $('mint-email').value.trim();
  const minutes = Number.parseInt($('mint-lifetime').value, 10);
  try {
    if (!user) throw new Error('Enter a user id.');
    if (!Number.isInteger(minutes) || minutes < 1) throw new Error('The lifetime must be a whole number of minutes.');
    const claims = { sub: user, ...(email ? { email } : {}) };
    const token = sign(claims, keysFrom('mint-secret'), { expiresIn: minutes * 60 });
    $('minted-token').value = token;
    // Every character a shell or URL could read specially is percent-encoded, and the URL quoted.
    const segment = encodeURIComponent(user).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    $('minted-curl').value = `curl -s -H 'Authorization: Bearer ${token}' '${location.origin}/api/${segment}/tasks'`;
    $('minted').hidden = false;
  } catch (e) {
    $('minted').hidden = true;
    $('mint-error').textContent = e instanceof TokenError ? `${e.code}: ${e.message}. ${fix(e.code)}` : e.message;
    $('mint-error').hidden = false;
  }
}

function tick() {
  if (!current?.payload) return;
  const now = nowSeconds();
  for (const td of document.querySelectorAll('td[data-claim]')) {
    const claim = td.dataset.claim;
    td.textContent = relative(claim, current.payload[claim], now);
  }
}

$('token').addEventListener('input', render);
$('token').addEventListener('dragover', (e) => {
  e.preventDefault();
  $('token').classList.add('drag');
});
$('token').addEventListener('dragleave', () => $('token').classList.remove('drag'));
$('token').addEventListener('drop', (e) => {
  e.preventDefault();
  $('token').classList.remove('drag');
  $('token').value = e.dataTransfer.getData('text').trim();
  render();
});
for (const id of ['issuer', 'audience', 'leeway']) $(id).addEventListener('input', render);
$('secret-is-ring').addEventListener('change', () => $('secret').value && runVerify());
$('verify-form').addEventListener('submit', (e) => {
  e.preventDefault();
  runVerify();
});
$('show-secret').addEventListener('click', () => {
  const shown = $('secret').type === 'text';
  $('secret').type = shown ? 'password' : 'text';
  $('show-secret').textContent = shown ? 'Show' : 'Hide';
  $('show-secret').setAttribute('aria-pressed', String(!shown));
});
$('mint-form').addEventListener('submit', mint);
$('fetch-jwks').addEventListener('click', fetchJwks);
$('use-minted').addEventListener('click', () => {
  $('mode-token').checked = true;
  setMode();
  $('token').value = $('minted-token').value;
  if (!$('secret').value) {
    $('secret').value = $('mint-secret').value;
    $('secret-is-ring').checked = $('mint-secret-is-ring').checked;
  }
  render();
  $('token').focus();
});

/** Token or cookie: the field's label and the cookie's options follow the choice. */
function setMode() {
  const cookie = cookieMode();
  $('cookie-options').hidden = !cookie;
  $('token-label').textContent = cookie
    ? "Paste or drop the session cookie's value (better-auth.session_data), or a whole Cookie header"
    : 'Paste or drop a JWT';
  $('token').placeholder = cookie
    ? 'better-auth.session_data=eyJzZXNzaW9uIjp7...  (or the value alone)'
    : 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.signature';
  $('strategy-note').textContent = STRATEGY_NOTES[$('strategy').value] ?? '';
}
for (const s of SESSION_CACHE_STRATEGIES) {
  const o = el('option', s === SESSION_CACHE_STRATEGIES[0] ? `${s} (Better Auth's default)` : s);
  o.value = s;
  $('strategy').append(o);
}
for (const id of ['mode-token', 'mode-cookie', 'strategy']) {
  $(id).addEventListener('change', () => {
    setMode();
    render();
  });
}
$('cache-version').addEventListener('input', render);
if (FIXED_NOW !== undefined) {
  $('clock-note').textContent =
    `The clock is fixed at ${new Date(FIXED_NOW * 1000).toISOString()} (?now=${FIXED_NOW} in the address).`;
  $('clock-note').hidden = false;
}
setMode();
setInterval(tick, 1000);
document.body.dataset.ready = 'true';
render();
