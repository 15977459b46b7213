// HS256 JWT verification benchmark for Node: taskgate-verify (our Wasm package) against jose,
// fast-jwt, @tsndr/cloudflare-worker-jwt, hono/jwt and a hand-written node:crypto floor.
// With `--asymmetric FILE` instead (FILE from `node bench/asym-tokens.mjs`): EdDSA, ES256 and
// RS256 tokens from a JWK Set, verified by the package's full build, jose and a node:crypto floor.
//
//   node bench.mjs [--smoke] [--rounds R] [--asymmetric FILE]
//
// Every library verifies the same ~400-byte token. Libraries are interleaved: each round runs
// N verifications of every library in turn (the starting library rotates per round), so drift
// in machine load is spread over all of them. Output: a table on stderr, one JSON document on
// stdout.
import {
  createHmac,
  createPublicKey,
  randomBytes,
  timingSafeEqual,
  verify as cryptoVerify,
  webcrypto,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createVerifier } from '../../pkg/dist/node.js';
import { createVerifier as createFullVerifier } from '../../pkg/dist/full/node.js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import cfJwt from '@tsndr/cloudflare-worker-jwt';
import { verify as honoVerify } from 'hono/jwt';

// ---- options ----------------------------------------------------------------------------
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = smoke ? 1 : roundsArg >= 0 ? Number(args[roundsArg + 1]) : 15;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) fail('--rounds needs a positive integer');
const asymmetricArg = args.indexOf('--asymmetric');
const ASYMMETRIC = asymmetricArg >= 0 ? args[asymmetricArg + 1] : undefined;
if (asymmetricArg >= 0 && !ASYMMETRIC) fail('--asymmetric needs a file (node bench/asym-tokens.mjs > FILE)');
const WARMUP = smoke ? 20 : 3000; // iterations per library before timing
const TARGET_ROUND_NS = 40e6; // aim for ~40 ms per library per round
const SMOKE_ITERATIONS = 20;

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// ---- the token --------------------------------------------------------------------------
const ISSUER = 'https://app.example.com';
const AUDIENCE = 'taskgate-api';
const SUB = 'user_2f9c1e7a4b8d4c6e9a0b1c2d3e4f5a6b';
const secret = randomBytes(33).toString('base64url'); // 44 ASCII characters
const secretBytes = Buffer.from(secret, 'utf8');
const now = Math.floor(Date.now() / 1000);
const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const header = { alg: 'HS256', typ: 'JWT' };
const claims = {
  iss: ISSUER,
  sub: SUB,
  aud: AUDIENCE,
  exp: now + 3600,
  iat: now,
  jti: randomBytes(16).toString('hex'),
  user_id: SUB,
  user_email: 'someone@example.com',
};
const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
const token = `${signingInput}.${createHmac('sha256', secretBytes).update(signingInput).digest('base64url')}`;
// The same token with one signature character changed: every library must reject it.
const last = token.length - 2; // not the final character, whose low bits may be padding
const forged = token.slice(0, last) + (token[last] === 'A' ? 'B' : 'A') + token.slice(last + 1);

// ---- libraries, each set up once --------------------------------------------------------
const version = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')).version;
const mod = (name) => version(`./node_modules/${name}/package.json`);

// A WebCrypto key imported once, for the libraries that accept one.
const cryptoKey = await webcrypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
  'verify',
]);

const taskgate = createVerifier(secret, { audience: AUDIENCE, issuer: ISSUER });

// fast-jwt: `cache: false` explicitly (it is also the default); checked below.
const fastJwt = createFastJwtVerifier({
  key: secret,
  algorithms: ['HS256'],
  allowedAud: AUDIENCE,
  allowedIss: ISSUER,
  cache: false,
});
if (fastJwt.cache) fail('fast-jwt cache is enabled');

// The floor: the least work an HS256 verifier can do in JavaScript (split, decode, HMAC,
// constant-time compare, JSON.parse of the payload, exp/iss/aud checks). It skips the header.
function floorVerify(t) {
  const dot1 = t.indexOf('.');
  const dot2 = t.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || t.indexOf('.', dot2 + 1) >= 0) throw new Error('malformed');
  const signature = Buffer.from(t.slice(dot2 + 1), 'base64url');
  const mac = createHmac('sha256', secretBytes).update(t.slice(0, dot2)).digest();
  if (signature.length !== mac.length || !timingSafeEqual(signature, mac)) throw new Error('bad signature');
  const payload = JSON.parse(Buffer.from(t.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
  if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) throw new Error('expired');
  if (payload.iss !== ISSUER || payload.aud !== AUDIENCE) throw new Error('bad iss/aud');
  return payload;
}

async function subtleFloor(t) {
  const dot = t.lastIndexOf('.');
  const ok = await webcrypto.subtle.verify(
    'HMAC',
    cryptoKey,
    Buffer.from(t.slice(dot + 1), 'base64url'),
    Buffer.from(t.slice(0, dot)),
  );
  return ok ? SUB : undefined;
}

// Each entry: `run(token)` returns the subject (or a promise of it) and throws, or returns
// something else, when the token is refused.
const cases = [
  { name: 'taskgate-verify', version: version('../../pkg/package.json'), run: (t) => taskgate.verify(t).userId },
  {
    name: 'taskgate-verify (+ claims)',
    version: version('../../pkg/package.json'),
    run: (t) => {
      const v = taskgate.verify(t);
      return v.claims.sub === v.userId ? v.userId : undefined;
    },
  },
  {
    name: 'jose',
    version: mod('jose'),
    async: true,
    run: async (t) => (await jwtVerify(t, cryptoKey, { audience: AUDIENCE, issuer: ISSUER })).payload.sub,
  },
  { name: 'fast-jwt', version: mod('fast-jwt'), run: (t) => fastJwt(t).sub },
  // cloudflare-worker-jwt returns undefined (no throw) on failure; it checks exp/nbf, not iss/aud.
  {
    name: '@tsndr/cloudflare-worker-jwt',
    version: mod('@tsndr/cloudflare-worker-jwt'),
    async: true,
    run: async (t) => (await cfJwt.verify(t, secret, { algorithm: 'HS256' }))?.payload.sub,
  },
  {
    name: '@tsndr/cloudflare-worker-jwt (CryptoKey)',
    version: mod('@tsndr/cloudflare-worker-jwt'),
    async: true,
    run: async (t) => (await cfJwt.verify(t, cryptoKey, { algorithm: 'HS256' }))?.payload.sub,
  },
  // hono/jwt: the options form also checks iss and aud, like the others.
  {
    name: 'hono/jwt',
    version: mod('hono'),
    async: true,
    run: async (t) => (await honoVerify(t, secret, { alg: 'HS256', iss: ISSUER, aud: AUDIENCE })).sub,
  },
  {
    name: 'hono/jwt (CryptoKey)',
    version: mod('hono'),
    async: true,
    run: async (t) => (await honoVerify(t, cryptoKey, { alg: 'HS256', iss: ISSUER, aud: AUDIENCE })).sub,
  },
  { name: 'floor: node:crypto HMAC + JSON.parse', version: process.version, run: (t) => floorVerify(t).sub },
  // Reference for the WebCrypto-based libraries above: only an awaited crypto.subtle.verify
  // (Node runs it on the libuv thread pool, so each call pays a thread round trip).
  { name: 'floor: crypto.subtle HMAC verify (async)', version: process.version, async: true, run: subtleFloor },
];

// ---- correctness before timing ----------------------------------------------------------
// Each case verifies `c.token` (its subject must be `c.sub`) and must refuse `c.forged`.
async function check(cases) {
  for (const c of cases) {
    let sub;
    try {
      sub = await c.run(c.token);
    } catch (e) {
      fail(`${c.name} refused the benchmark token: ${e?.message ?? e}`);
    }
    if (sub !== c.sub) fail(`${c.name} returned subject ${JSON.stringify(sub)}, expected ${c.sub}`);
    let accepted;
    try {
      accepted = (await c.run(c.forged)) === c.sub;
    } catch {
      accepted = false;
    }
    if (accepted) fail(`${c.name} accepted a token with a forged signature`);
  }
}

// ---- timing -----------------------------------------------------------------------------
let sink = 0; // consumes results so that nothing can be optimized away

// Runs `n` verifications of `c.token` sequentially (awaiting each for async libraries); returns
// elapsed ns.
async function timeLoop(c, n) {
  const { run, token: t } = c;
  if (c.async) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += (await run(t)).length;
    return Number(process.hrtime.bigint() - t0);
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += run(t).length;
  return Number(process.hrtime.bigint() - t0);
}

// Warm up (at least WARMUP iterations and, outside smoke runs, ~250 ms, so that JIT and Wasm
// tier-up settle), then pick N so that one round of this library takes about TARGET_ROUND_NS:
// double a probe until it takes >= 10 ms, and scale from it. Then ROUNDS interleaved rounds.
// Returns the report rows, in the order of `cases`.
async function measure(cases) {
  await check(cases);
  for (const c of cases) {
    let spent = await timeLoop(c, WARMUP);
    while (!smoke && spent < 250e6) spent += await timeLoop(c, WARMUP);
    if (smoke) {
      c.n = SMOKE_ITERATIONS;
    } else {
      let probe = 100;
      let ns = await timeLoop(c, probe);
      while (ns < 10e6) {
        probe *= 2;
        ns = await timeLoop(c, probe);
      }
      c.n = Math.max(100, Math.min(1_000_000, Math.round((TARGET_ROUND_NS * probe) / ns)));
    }
    c.samples = [];
  }

  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length];
      c.samples.push((await timeLoop(c, c.n)) / c.n);
    }
  }
  if (sink === 0) fail('no results consumed');
  return cases.map((c) => {
    const med = median(c.samples);
    return {
      ...(c.alg ? { alg: c.alg, token_bytes: c.token.length } : {}),
      name: c.name,
      version: c.version,
      median_ns: round1(med),
      min_ns: round1(Math.min(...c.samples)),
      max_ns: round1(Math.max(...c.samples)),
      ops_per_s: Math.round(1e9 / med),
      iterations_per_round: c.n,
    };
  });
}

// ---- report -----------------------------------------------------------------------------
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function round1(x) {
  return Math.round(x * 10) / 10;
}

// The table on stderr: `head` and `body` are arrays of cells; the first `left` columns are
// left-aligned.
function printTable(title, head, body, left = 2) {
  const table = [head, ...body];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i < left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.error(title);
  console.error(line(head));
  console.error(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.error(line(row));
}

if (ASYMMETRIC) {
  await asymmetric(ASYMMETRIC);
} else {
  for (const c of cases) Object.assign(c, { token, forged, sub: SUB });
  const rows = await measure(cases);
  const base = rows[0].median_ns;
  printTable(
    `node ${process.version}, token ${token.length} bytes, ${ROUNDS} round(s)${smoke ? ' (smoke)' : ''}`,
    ['library', 'version', 'median ns', 'min ns', 'max ns', 'ops/s', 'x taskgate'],
    rows.map((r) => [
      r.name,
      r.version,
      r.median_ns.toFixed(0),
      r.min_ns.toFixed(0),
      r.max_ns.toFixed(0),
      r.ops_per_s.toLocaleString('en-US'),
      (r.median_ns / base).toFixed(2),
    ]),
  );
  console.log(
    JSON.stringify({ suite: 'node', node: process.version, token_bytes: token.length, rounds: ROUNDS, rows }, null, 2),
  );
}

// ---- the asymmetric suite ---------------------------------------------------------------
// Per algorithm (EdDSA, ES256, RS256): the package's full build (one verifier for the JWK Set,
// synchronous; the signature by node:crypto, as the Node entry does, and in the Wasm), jose (`createLocalJWKSet` + `jwtVerify` with issuer and audience, awaited), and
// the node:crypto floor: split, `crypto.verify` with a KeyObject made once (ES256 signatures in
// IEEE P1363 form, as JWS has them), JSON.parse of the payload, exp/iss/aud checks (no header).
async function asymmetric(file) {
  const input = JSON.parse(readFileSync(file, 'utf8'));
  const { iss, aud, sub, jwks, tokens } = input;
  const nowSecs = Date.now() / 1000;
  if (!(nowSecs >= input.now && nowSecs < input.now + 3600))
    fail(`${file}: tokens issued at ${input.now} are not valid now: write them again`);
  const ALGS = ['EdDSA', 'ES256', 'RS256'];
  const NODE_ALG = { EdDSA: null, ES256: 'sha256', RS256: 'sha256' };

  const taskgateFull = createFullVerifier({ jwks }, { jwksIssuer: iss, jwksAudience: aud });
  const taskgateWasm = createFullVerifier({ jwks }, { jwksIssuer: iss, jwksAudience: aud, platformCrypto: false });
  const joseSet = createLocalJWKSet(jwks);
  const floor = (alg) => {
    const jwk = jwks.keys.find((k) => k.alg === alg);
    if (!jwk) fail(`${file}: no ${alg} key in the JWK Set`);
    const key = {
      key: createPublicKey({ key: jwk, format: 'jwk' }),
      ...(alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' } : {}),
    };
    const digest = NODE_ALG[alg];
    return (t) => {
      const dot1 = t.indexOf('.');
      const dot2 = t.indexOf('.', dot1 + 1);
      if (dot1 < 0 || dot2 < 0 || t.indexOf('.', dot2 + 1) >= 0) throw new Error('malformed');
      if (!cryptoVerify(digest, Buffer.from(t.slice(0, dot2)), key, Buffer.from(t.slice(dot2 + 1), 'base64url')))
        throw new Error('bad signature');
      const payload = JSON.parse(Buffer.from(t.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
      if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) throw new Error('expired');
      if (payload.iss !== iss || payload.aud !== aud) throw new Error('bad iss/aud');
      return payload.sub;
    };
  };
  const forge = (t) => {
    const i = t.length - 2; // not the final character, whose low bits may be padding
    return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  };

  const asymCases = ALGS.flatMap((alg) => {
    const t = tokens[alg];
    if (typeof t !== 'string') fail(`${file}: no ${alg} token`);
    const common = { alg, token: t, forged: forge(t), sub };
    return [
      {
        ...common,
        name: 'taskgate-verify/full (signature by node:crypto)',
        version: version('../../pkg/package.json'),
        run: (x) => taskgateFull.verify(x).userId,
      },
      {
        ...common,
        name: 'taskgate-verify/full, platformCrypto: false (signature in the Wasm)',
        version: version('../../pkg/package.json'),
        run: (x) => taskgateWasm.verify(x).userId,
      },
      {
        ...common,
        name: 'jose',
        version: mod('jose'),
        async: true,
        run: async (x) => (await jwtVerify(x, joseSet, { issuer: iss, audience: aud })).payload.sub,
      },
      { ...common, name: 'floor: node:crypto verify + JSON.parse', version: process.version, run: floor(alg) },
    ];
  });
  const rows = await measure(asymCases);
  const body = rows.map((r) => {
    const group = rows.filter((x) => x.alg === r.alg);
    const [tg, floorRow] = [group[0], group[group.length - 1]];
    return [
      r.alg,
      r.name,
      r.version,
      r.median_ns.toFixed(0),
      r.min_ns.toFixed(0),
      r.max_ns.toFixed(0),
      r.ops_per_s.toLocaleString('en-US'),
      (r.median_ns / tg.median_ns).toFixed(2),
      (r.median_ns / floorRow.median_ns).toFixed(2),
    ];
  });
  const sizes = ALGS.map((a) => `${a} ${tokens[a].length} bytes`).join(', ');
  printTable(
    `node ${process.version}, asymmetric (${sizes}), ${ROUNDS} round(s)${smoke ? ' (smoke)' : ''}`,
    ['alg', 'library', 'version', 'median ns', 'min ns', 'max ns', 'ops/s', 'x taskgate', 'x floor'],
    body,
    3,
  );
  console.log(JSON.stringify({ suite: 'node-asymmetric', node: process.version, rounds: ROUNDS, rows }, null, 2));
}
