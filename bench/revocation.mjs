// How soon a signed-out session stops working at the API (docs/contract.md section 4): a real Better
// Auth 1.7.25 (node:sqlite) with the package's plugin (`revocation: { url }`) and a real Worker under
// wrangler dev (local D1). Each trial: a fresh session, its TaskGate token reads tasks (200), sign out,
// then the token is sent again until the API refuses it (401 session_revoked); the latency is the
// time from the sign-out's response to the first refusal. Goal: maximum under 1 s.
//   node bench/revocation.mjs [--smoke]      (100 trials; --smoke: 3)
// Prints one JSON object: { trials, latency_ms: { median, p99, max }, first_try, signout_ms: { median, max } }.
import { taskgate } from '../pkg/dist/better-auth.js';
import { startBetterAuth } from '../tests/lib/better-auth.mjs';
import { WorkerServer } from '../tests/lib/worker.mjs';

const SECRET = 'bench-revocation-secret-0123456789-abcdefghij';
const TRIALS = process.argv.includes('--smoke') ? 3 : 100;
const GIVE_UP_MS = 10_000;
for (const name of ['BETTER_AUTH_SECRET', 'BETTER_AUTH_SECRETS', 'BETTER_AUTH_URL', 'TASKGATE_REVOCATION_URL']) {
  delete process.env[name];
}

const worker = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET } });
const ba = await startBetterAuth({
  secret: SECRET,
  plugins: [taskgate({ revocation: { url: `${worker.url}/revocations` } })],
});
const user = { email: `bench-${process.pid}@example.com`, password: 'correct-horse-battery', name: 'Bench' };
const { user: created } = await ba.signUp(user);
const api = async (token) => {
  const r = await fetch(`${worker.url}/api/${encodeURIComponent(created.id)}/tasks`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await r.json();
  return r.status === 200 ? 200 : body.code;
};

const latencies = [];
const signouts = [];
let firstTry = 0;
try {
  for (let i = 0; i < TRIALS; i += 1) {
    const { cookies } = await ba.signIn(user);
    const token = (await (await ba.fetch('/api/auth/taskgate/token', { headers: { cookie: cookies } })).json()).token;
    if ((await api(token)) !== 200) throw new Error('a fresh token was refused');
    const sent = performance.now();
    const out = await ba.fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!out.ok) throw new Error(`sign-out answered ${out.status}`);
    const answered = performance.now();
    signouts.push(answered - sent);
    let tries = 0;
    for (;;) {
      tries += 1;
      const answer = await api(token);
      if (answer === 'session_revoked') break;
      if (performance.now() - answered > GIVE_UP_MS) throw new Error(`still ${answer} after ${GIVE_UP_MS} ms`);
    }
    if (tries === 1) firstTry += 1;
    latencies.push(performance.now() - answered);
  }
} finally {
  await ba.close();
  await worker.stop();
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const at = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
const round = (x) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    trials: TRIALS,
    latency_ms: {
      median: round(at(latencies, 0.5)),
      p99: round(at(latencies, 0.99)),
      max: round(Math.max(...latencies)),
    },
    first_try: firstTry,
    signout_ms: { median: round(at(signouts, 0.5)), max: round(Math.max(...signouts)) },
  }),
);
