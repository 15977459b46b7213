// Verification cost inside workerd: one request verifies the same token n times with
// (a) the TaskGate npm package (Wasm), (b) crypto.subtle HMAC verify + JSON.parse + exp,
// (c) jose jwtVerify. Timed from outside (workerd's clocks do not advance during compute).
// Asymmetric tokens (bench/workerd/verify-cost-asym.mjs): /wasm-ALG (verify: the signature in the
// Wasm), /webcrypto-ALG (verifyAsync: the signature by workerd's WebCrypto), /jose-ALG and
// /subtle-ALG for ALG eddsa, es256 or rs256 verify a token signed with a key of a JWK Set, n times.
import { createVerifier } from 'taskgate-verify';
import { createVerifier as createFullVerifier } from 'taskgate-verify/full';
import { createLocalJWKSet, jwtVerify } from 'jose';

let state;
async function setup(env) {
  const secret = env.BETTER_AUTH_SECRET;
  const bytes = new TextEncoder().encode(secret);
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return {
    secret,
    bytes,
    key,
    taskgate: createVerifier(secret, { audience: 'taskgate-api', issuer: 'https://app.example.com' }),
  };
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

// ---- asymmetric tokens -----------------------------------------------------------------
// WebCrypto parameters per algorithm: for importKey, and for verify.
const ASYMMETRIC = {
  eddsa: { alg: 'EdDSA', key: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  es256: { alg: 'ES256', key: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  rs256: { alg: 'RS256', key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
};

// Everything built from one JWK Set (and iss/aud), once: the package's full build verifier,
// jose's local set, and a CryptoKey per algorithm for the crypto.subtle floor.
const asymmetricStates = new Map();
async function asymmetricSetup(jwks, iss, aud) {
  const id = JSON.stringify([jwks, iss, aud]);
  let s = asymmetricStates.get(id);
  if (!s) {
    const subtle = {};
    for (const [name, p] of Object.entries(ASYMMETRIC)) {
      const jwk = jwks.keys.find((k) => k.alg === p.alg);
      if (jwk)
        subtle[name] = { key: await crypto.subtle.importKey('jwk', jwk, p.key, false, ['verify']), params: p.verify };
    }
    s = {
      taskgate: createFullVerifier({ jwks }, { jwksIssuer: iss, jwksAudience: aud }),
      jose: createLocalJWKSet(jwks),
      subtle,
    };
    asymmetricStates.set(id, s);
  }
  return s;
}

// base64url to bytes for the floor below: the platform's decoder when it has one, else atob and
// a plain loop (`b64` above, through Uint8Array.from over a string, costs ~100 us on a 600-byte
// token, more than an Ed25519 verify).
const b64url =
  typeof Uint8Array.fromBase64 === 'function'
    ? (s) => Uint8Array.fromBase64(s, { alphabet: 'base64url' })
    : (s) => {
        const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
        const out = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
        return out;
      };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The crypto.subtle floor: the signature with a CryptoKey imported once, JSON.parse of the
// payload, exp/iss/aud checks (the header is not read: the route names the key).
async function subtleAsymmetricVerify({ key, params }, token, iss, aud) {
  const [h, p, s] = token.split('.');
  const ok = await crypto.subtle.verify(params, key, b64url(s), encoder.encode(`${h}.${p}`));
  if (!ok) throw new Error('bad signature');
  const claims = JSON.parse(decoder.decode(b64url(p)));
  if (!(claims.exp > Date.now() / 1000)) throw new Error('expired');
  if (claims.iss !== iss || claims.aud !== aud) throw new Error('bad iss/aud');
  return claims.sub;
}

// `{ token, jwks, iss, aud }` from a JSON body (POST), else from the query (`jwks` as JSON text).
async function asymmetric(request, url, impl, alg) {
  const q = (name) => url.searchParams.get(name) ?? undefined;
  const body = request.method === 'POST' ? await request.json() : {};
  const n = Number(q('n') ?? 0);
  const token = body.token ?? q('token');
  const jwks = body.jwks ?? (q('jwks') && JSON.parse(q('jwks')));
  const iss = body.iss ?? q('iss');
  const aud = body.aud ?? q('aud');
  if (!token || !jwks || !iss || !aud)
    return Response.json({ error: 'token, jwks, iss and aud are required' }, { status: 400 });
  const s = await asymmetricSetup(jwks, iss, aud);
  let sub;
  try {
    switch (impl) {
      case 'wasm':
        for (let i = 0; i < n; i++) sub = s.taskgate.verify(token).userId;
        break;
      case 'webcrypto':
        for (let i = 0; i < n; i++) sub = (await s.taskgate.verifyAsync(token)).userId;
        break;
      case 'jose':
        for (let i = 0; i < n; i++) sub = (await jwtVerify(token, s.jose, { issuer: iss, audience: aud })).payload.sub;
        break;
      case 'subtle':
        if (!s.subtle[alg])
          return Response.json({ error: `no ${ASYMMETRIC[alg].alg} key in the set` }, { status: 400 });
        for (let i = 0; i < n; i++) sub = await subtleAsymmetricVerify(s.subtle[alg], token, iss, aud);
        break;
    }
  } catch (e) {
    return Response.json({ n, error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` }, { status: 401 });
  }
  return Response.json({ n, sub: sub ?? null });
}

export default {
  async fetch(request, env) {
    state ??= await setup(env);
    const url = new URL(request.url);
    const route = /^\/(wasm|webcrypto|jose|subtle)-(eddsa|es256|rs256)$/.exec(url.pathname);
    if (route) return asymmetric(request, url, route[1], route[2]);
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
        for (let i = 0; i < n; i++)
          sub = (await jwtVerify(token, state.bytes, { audience: 'taskgate-api', issuer: 'https://app.example.com' }))
            .payload.sub;
        break;
      default:
        return new Response('not found', { status: 404 });
    }
    return Response.json({ n, sub: sub ?? null });
  },
};
