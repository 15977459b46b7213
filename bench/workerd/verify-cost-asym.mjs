// Asymmetric verification cost inside workerd: the Worker of verify-cost.js, started as
// load.mjs's verifyCost() starts it (wrangler dev), verifies an EdDSA, ES256 or RS256 token
// (bench/asym-tokens.mjs) n times per request with the package's full build (verify: the
// signature in the Wasm; verifyAsync: by workerd's WebCrypto), jose
// (createLocalJWKSet + jwtVerify) and a crypto.subtle floor. Each figure: (time of a request with
// n verifications - median of three with none) / n, median over rounds; timed from outside
// (workerd's clocks do not advance during compute).
//   node bench/workerd/verify-cost-asym.mjs [--smoke] [--rounds R] [--n N] [--asymmetric FILE]
// A table on stderr, one JSON document on stdout.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerServer, ROOT } from '../../tests/lib/worker.mjs';
import { SECRET } from '../token.mjs';
import { asymTokens } from '../asym-tokens.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ROUNDS = smoke ? 1 : Number(opt('--rounds') ?? 7);
const N = smoke ? 3 : Number(opt('--n') ?? 500);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(N) || N < 1) {
  console.error('verify-cost-asym: --rounds and --n need positive integers');
  process.exit(1);
}
const NODE_MODULES = path.join(ROOT, 'bench/node/node_modules');
const input = opt('--asymmetric') ? JSON.parse(readFileSync(opt('--asymmetric'), 'utf8')) : asymTokens();
const { iss, aud, sub, jwks, tokens } = input;
if (!(Date.now() / 1000 < input.now + 3600))
  throw new Error(`the tokens were issued at ${input.now} and have expired: write them again`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ALGS = { eddsa: 'EdDSA', es256: 'ES256', rs256: 'RS256' };
const IMPLS = {
  wasm: 'taskgate-verify/full verify (signature in the Wasm)',
  webcrypto: 'taskgate-verify/full verifyAsync (WebCrypto)',
  jose: 'jose jwtVerify (createLocalJWKSet)',
  subtle: 'crypto.subtle verify + JSON.parse',
};
const forge = (t) => {
  const i = t.length - 2;
  return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
};

const server = await WorkerServer.start({
  toml: 'name = "taskgate-verify-cost"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n',
  files: {
    'worker.js': readFileSync(path.join(import.meta.dirname, 'verify-cost.js'), 'utf8'),
    '.dev.vars': `BETTER_AUTH_SECRET=${SECRET}\n`,
  },
  links: {
    'node_modules/taskgate-verify': path.join(ROOT, 'pkg'),
    'node_modules/jose': path.join(NODE_MODULES, 'jose'),
  },
});
// One request: `impl` (e.g. "wasm-eddsa") verifies `token` n times; the elapsed ns.
const request = async (impl, n, token) => {
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${server.url}/${impl}?n=${n}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, jwks, iss, aud }),
  });
  const body = await r.json();
  return { ns: Number(process.hrtime.bigint() - t0), status: r.status, body };
};
const time = async (impl, n) => {
  const alg = ALGS[impl.split('-')[1]];
  const { ns, status, body } = await request(impl, n, tokens[alg]);
  if (status !== 200 || (n > 0 && body.sub !== sub)) throw new Error(`${impl}: ${status} ${JSON.stringify(body)}`);
  return ns;
};
let rows;
try {
  const impls = Object.keys(ALGS).flatMap((a) => Object.keys(IMPLS).map((i) => `${i}-${a}`));
  // Every implementation accepts its token and refuses it with a changed signature.
  for (const impl of impls) {
    await time(impl, 1);
    const { status } = await request(impl, 1, forge(tokens[ALGS[impl.split('-')[1]]]));
    if (status !== 401) throw new Error(`${impl} accepted a forged signature (${status})`);
  }
  const per = Object.fromEntries(impls.map((i) => [i, []]));
  for (const i of impls) await time(i, N); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of impls) {
      const empty = median([await time(i, 0), await time(i, 0), await time(i, 0)]);
      per[i].push(((await time(i, N)) - empty) / N);
    }
    console.error(`[workerd-asym] round ${r + 1}/${ROUNDS} done`);
  }
  rows = impls.map((i) => {
    const [impl, a] = i.split('-');
    return {
      alg: ALGS[a],
      impl: i,
      name: IMPLS[impl],
      token_bytes: tokens[ALGS[a]].length,
      median_ns: median(per[i]),
      runs_ns: per[i],
    };
  });
} finally {
  await server.stop();
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.error(`workerd: asymmetric verify, ${N} per request, median of ${ROUNDS} round(s)${smoke ? ' (smoke)' : ''}`);
console.error(`${'alg'.padEnd(6)}${'implementation'.padEnd(38)}${'ns/verify'.padStart(12)}${'x Wasm'.padStart(9)}`);
for (const r of rows) {
  const wasm = rows.find((x) => x.alg === r.alg && x.impl.startsWith('wasm-'));
  console.error(
    `${r.alg.padEnd(6)}${r.name.padEnd(38)}${fmt(r.median_ns).padStart(12)}${(r.median_ns / wasm.median_ns).toFixed(2).padStart(9)}`,
  );
}
const ed = (impl) => rows.find((r) => r.impl === `${impl}-eddsa`).median_ns;
if (smoke) console.error('(smoke run: 3 verifications per request, the figures mean nothing)');
else
  console.error(
    `goal "EdDSA in workerd faster than jose": ${ed('webcrypto') < ed('jose') ? 'met' : 'missed'} (jose / verifyAsync = ${(ed('jose') / ed('webcrypto')).toFixed(2)}x; jose / Wasm = ${(ed('jose') / ed('wasm')).toFixed(2)}x)`,
  );
console.log(JSON.stringify({ suite: 'workerd-asymmetric', n: N, rounds: ROUNDS, rows }));
