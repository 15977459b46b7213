// Better Auth's session cookie cache in Node, per strategy (`compact`, `jwt`, `jwe`): TaskGate's
// default entry (`createVerifier(secret, { sessionCache })`, then `authorize({ cookie })`, synchronous)
// against Better Auth's own reader (`getCookieCache` from better-auth/cookies, awaited), on the same
// fresh cookies a real Better Auth wrote (bench/session-cookies.mjs); and, for reference, the same
// `authorize` given an HS256 bearer token (the plugin's token, bench/token.mjs's claims) instead.
//
//   node bench/node/session-cache.mjs [--smoke] [--rounds R]
//
// Every case must read its cookie's user and refuse the cookie with a character changed before
// anything is timed. Cases are interleaved: each round runs N calls of every case in turn (the first
// case rotates per round). Output: a table on stderr, one JSON document on stdout; `x_better_auth`
// is the median over rounds of (Better Auth's ns / TaskGate's ns) for the same strategy.
import { readFileSync } from 'node:fs';
import { logger } from '@better-auth/core/env';
import { getCookieCache } from 'better-auth/cookies';
import { createVerifier } from '../../pkg/dist/node.js';
import { sessionCookies, STRATEGIES } from '../session-cookies.mjs';
import { benchToken, SECRET } from '../token.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = smoke ? 1 : roundsArg >= 0 ? Number(args[roundsArg + 1]) : 15;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) fail('--rounds needs a positive integer');
const WARMUP = smoke ? 20 : 2000; // calls per case before timing (and at least 250 ms outside smoke runs)
const TARGET_ROUND_NS = 40e6; // ~40 ms per case per round
const SMOKE_ITERATIONS = 20;

function fail(message) {
  console.error(`session-cache: ${message}`);
  process.exit(1);
}

const { betterAuth, cookies } = await sessionCookies({ secret: SECRET });
const pkgVersion = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8')).version;

/** `value` with the character in its middle changed. */
const tampered = (value) => {
  const at = value.length >> 1;
  return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
};

// Each case: `run(input)` returns the user id (or a promise of it); anything else, or a throw, is a refusal.
const cases = STRATEGIES.flatMap((strategy) => {
  const { value, userId } = cookies[strategy];
  const v = createVerifier(SECRET, { sessionCache: strategy });
  const config = { secret: SECRET, strategy, isSecure: false };
  const common = { strategy, sub: userId, token_bytes: value.length };
  return [
    {
      ...common,
      impl: 'taskgate',
      name: 'taskgate-verify authorize({ cookie })',
      version: pkgVersion,
      input: `better-auth.session_data=${value}`,
      forged: `better-auth.session_data=${tampered(value)}`,
      run: (cookie) => {
        const r = v.authorize({ cookie });
        return r.ok ? r.verified.userId : undefined;
      },
    },
    {
      ...common,
      impl: 'better-auth',
      name: 'Better Auth getCookieCache (better-auth/cookies)',
      version: betterAuth,
      async: true,
      // The Headers are made once, as a server has them before any reader runs.
      input: new Headers({ cookie: `better-auth.session_data=${value}` }),
      forged: new Headers({ cookie: `better-auth.session_data=${tampered(value)}` }),
      run: async (headers) => (await getCookieCache(headers, config))?.session?.userId,
    },
  ];
});
{
  // The reference: the same entry and call, an HS256 bearer token instead of a cookie.
  const sub = cookies.compact.userId;
  const token = benchToken(undefined, sub);
  const v = createVerifier(SECRET);
  cases.push({
    strategy: 'bearer',
    impl: 'taskgate-bearer',
    name: 'taskgate-verify authorize({ authorization }), HS256 token',
    version: pkgVersion,
    sub,
    token_bytes: token.length,
    input: `Bearer ${token}`,
    forged: `Bearer ${tampered(token)}`,
    run: (authorization) => {
      const r = v.authorize({ authorization });
      return r.ok ? r.verified.userId : undefined;
    },
  });
}

// ---- correctness before timing ----------------------------------------------------------
// Better Auth logs each value it cannot read; quiet it for the forged values.
const { error: logError, warn: logWarn } = logger;
for (const c of cases) {
  let sub;
  try {
    sub = await c.run(c.input);
  } catch (e) {
    fail(`${c.name} (${c.strategy}) refused its cookie: ${e?.message ?? e}`);
  }
  if (sub !== c.sub) fail(`${c.name} (${c.strategy}) read user ${JSON.stringify(sub)}, expected ${c.sub}`);
  Object.assign(logger, { error: () => {}, warn: () => {} });
  let accepted;
  try {
    accepted = (await c.run(c.forged)) === c.sub;
  } catch {
    accepted = false;
  } finally {
    Object.assign(logger, { error: logError, warn: logWarn });
  }
  if (accepted) fail(`${c.name} (${c.strategy}) accepted a tampered value`);
}

// ---- timing -----------------------------------------------------------------------------
let sink = 0;
async function timeLoop(c, n) {
  const { run, input } = c;
  const t0 = process.hrtime.bigint();
  if (c.async) for (let i = 0; i < n; i++) sink += (await run(input)).length;
  else for (let i = 0; i < n; i++) sink += run(input).length;
  return Number(process.hrtime.bigint() - t0);
}
for (const c of cases) {
  let spent = await timeLoop(c, WARMUP);
  while (!smoke && spent < 250e6) spent += await timeLoop(c, WARMUP);
  if (smoke) c.n = SMOKE_ITERATIONS;
  else {
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;
const rows = cases.map((c) => {
  const med = median(c.samples);
  const ba = cases.find((x) => x.strategy === c.strategy && x.impl === 'better-auth');
  return {
    strategy: c.strategy,
    impl: c.impl,
    name: c.name,
    version: c.version,
    token_bytes: c.token_bytes,
    median_ns: round1(med),
    min_ns: round1(Math.min(...c.samples)),
    max_ns: round1(Math.max(...c.samples)),
    ops_per_s: Math.round(1e9 / med),
    iterations_per_round: c.n,
    ...(c.impl === 'taskgate' && ba
      ? { x_better_auth: Math.round(median(c.samples.map((s, i) => ba.samples[i] / s)) * 100) / 100 }
      : {}),
  };
});

const bearer = rows.find((r) => r.impl === 'taskgate-bearer');
const table = [
  ['strategy', 'reader', 'bytes', 'median ns', 'ops/s', 'TaskGate / Better Auth', 'x bearer'],
  ...rows.map((r) => [
    r.strategy,
    r.name,
    String(r.token_bytes),
    r.median_ns.toFixed(0),
    r.ops_per_s.toLocaleString('en-US'),
    r.x_better_auth === undefined ? '' : `${r.x_better_auth.toFixed(2)}x`,
    (r.median_ns / bearer.median_ns).toFixed(2),
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.error(
  `node ${process.version}, Better Auth ${betterAuth}, session cookie cache, ${ROUNDS} round(s)${smoke ? ' (smoke: the figures mean nothing)' : ''}`,
);
for (const row of table)
  console.error(row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
console.log(
  JSON.stringify(
    { suite: 'node-session-cache', node: process.version, better_auth: betterAuth, rounds: ROUNDS, rows },
    null,
    2,
  ),
);
