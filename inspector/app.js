// The token inspector: decode, explain and (optionally) verify a token, in this page only.
// It uses the npm package's browser build (./pkg/browser.js); it makes no network request
// of its own. Token text is only ever put in the page with textContent, never as HTML.
import { createVerifier, inspect, sign, TokenError, CLAIMS, ERRORS, ALGORITHMS } from './pkg/full/browser.js';

const $ = (id) => document.getElementById(id);
const TIME = new Set(['exp', 'nbf', 'iat']);
/** The algorithms verified with a key of a JWK Set (the crate's list). */
const ASYMMETRIC = Object.keys(ALGORITHMS).filter((a) => ALGORITHMS[a]);
/** What to do about an error code: the crate's hint. */
const fix = (code) => ERRORS[code]?.hint ?? '';

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
        text: 'A Better Auth session cookie cache (session.cookieCache.strategy "jwt"): the user is session.userId. TaskGate accepts it only where enabled (BETTER_AUTH_SESSION_CACHE=true); its live session key (session.token) is hidden here.',
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
  const now = Date.now() / 1000;
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

function render() {
  const token = $('token').value.trim();
  renderSegments(token);
  $('verdict').replaceChildren();
  if (!token) {
    current = null;
    $('header').textContent = '—';
    $('payload').textContent = '—';
    $('status').textContent = 'Paste a token to start.';
    $('claims').tBodies[0].replaceChildren();
    $('warnings').replaceChildren(el('li', 'None yet.', 'muted'));
    return;
  }
  current = inspect(token, options());
  // A Better Auth session cookie cache is judged by its own rules (section 3.3).
  if (current.sessionCache) current = inspect(token, { ...options(), sessionCache: true });
  $('header').textContent = pretty(current.header, current.headerText);
  $('payload').textContent = pretty(current.payload, current.payloadText);
  const first = current.problems[0];
  $('status').textContent = first
    ? `TaskGate would refuse it: ${first.code}${first.claim ? ` (${first.claim})` : ''}.`
    : 'Well-formed. Verify with the secret to check the signature.';
  renderClaims();
  const list = warningsFor(current);
  $('warnings').replaceChildren(
    ...(list.length ? list.map((w) => el('li', w.text, w.kind)) : [el('li', 'None.', 'muted')]),
  );
  if ($('secret').value) runVerify();
}

function options() {
  const leeway = Number.parseInt($('leeway').value || '0', 10);
  return {
    issuer: $('issuer').value.trim() || undefined,
    audience: $('audience').value.trim() || undefined,
    leeway: Number.isInteger(leeway) ? leeway : 0,
  };
}

function runVerify() {
  const box = $('verdict');
  const token = $('token').value.trim();
  const secret = $('secret').value;
  let result;
  try {
    if (!secret && !$('jwks').value.trim())
      throw new TokenError('invalid_config', undefined, 'enter a secret (or a JWK Set) to verify');
    // A session cookie cache is verified by its own rules (section 3.3), as where it is enabled;
    // an asymmetric token against the pasted JWK Set, with the issuer/audience as its iss/aud.
    const jwks = $('jwks').value.trim();
    const keys = jwks ? { ...(secret ? toObject(keysFrom('secret')) : {}), jwks } : keysFrom('secret');
    const o = options();
    const v = createVerifier(keys, {
      ...o,
      jwksIssuer: o.issuer,
      jwksAudience: o.audience,
      sessionCache: Boolean(current?.sessionCache),
    });
    try {
      result = { ok: true, user: v.verify(token).userId };
    } finally {
      v.free();
    }
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    result = { ok: false, code: e.code, claim: e.claim, message: e.message };
  }
  const div = el('div', undefined, `box ${result.ok ? 'ok' : 'bad'}`);
  div.id = 'verdict-box';
  if (result.ok) {
    div.append(el('strong', 'Verified.'), ' User id: ', el('span', result.user, 'code'));
    div.querySelector('.code').id = 'verified-user';
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
  const now = Date.now() / 1000;
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
  $('token').value = $('minted-token').value;
  if (!$('secret').value) {
    $('secret').value = $('mint-secret').value;
    $('secret-is-ring').checked = $('mint-secret-is-ring').checked;
  }
  render();
  $('token').focus();
});
setInterval(tick, 1000);
document.body.dataset.ready = 'true';
render();
