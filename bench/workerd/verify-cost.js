// Verification cost inside workerd: one request verifies the same token n times with
// (a) the TaskGate npm package (Wasm), (b) crypto.subtle HMAC verify + JSON.parse + exp,
// (c) jose jwtVerify. Timed from outside (workerd's clocks do not advance during compute).
import { createVerifier } from 'taskgate-verify';
import { jwtVerify } from 'jose';

let state;
async function setup(env) {
  const secret = env.BETTER_AUTH_SECRET;
  const bytes = new TextEncoder().encode(secret);
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return { secret, bytes, key, taskgate: createVerifier(secret, { audience: 'taskgate-api', issuer: 'https://app.example.com' }) };
}

const b64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function subtleVerify(key, token) {
  const [h, p, s] = token.split('.');
  const ok = await crypto.subtle.verify('HMAC', key, b64(s), new TextEncoder().encode(`${h}.${p}`));
  if (!ok) throw new Error('bad signature');
  const claims = JSON.parse(new TextDecoder().decode(b64(p)));
  if (!(claims.exp > Date.now() / 1000)) throw new Error('expired');
  return claims.sub;
}

export default {
  async fetch(request, env) {
    state ??= await setup(env);
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? 0);
    const token = url.searchParams.get('token');
    let sub;
    switch (url.pathname) {
      case '/wasm':
        for (let i = 0; i < n; i++) sub = state.taskgate.verify(token).userId;
        break;
      case '/subtle':
        for (let i = 0; i < n; i++) sub = await subtleVerify(state.key, token);
        break;
      case '/jose':
        for (let i = 0; i < n; i++) sub = (await jwtVerify(token, state.bytes, { audience: 'taskgate-api', issuer: 'https://app.example.com' })).payload.sub;
        break;
      default:
        return new Response('not found', { status: 404 });
    }
    return Response.json({ n, sub: sub ?? null });
  },
};
