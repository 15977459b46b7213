// A JavaScript Worker that imports the npm package the way users do ('taskgate-verify'
// resolved through node_modules by wrangler's bundler, `workerd` condition).
import { createVerifier, inspect, sign, TokenError } from 'taskgate-verify';
import * as full from 'taskgate-verify/full';

const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

let verifier;

export default {
  async fetch(request, env) {
    verifier ??= createVerifier(env.BETTER_AUTH_SECRET);
    const url = new URL(request.url);
    const token = url.searchParams.get('token') ?? '';
    if (url.pathname === '/verify') {
      try {
        const v = verifier.verify(token);
        return Response.json({ ok: true, userId: v.userId, claims: v.claims });
      } catch (e) {
        if (!(e instanceof TokenError)) throw e;
        return Response.json({ ok: false, code: e.code, claim: e.claim ?? null }, { status: 401 });
      }
    }
    if (url.pathname === '/inspect') return Response.json(inspect(token));
    // The signature layer: each vector's verdict via `via` (the Wasm, or workerd's WebCrypto).
    if (url.pathname === '/signatures') {
      const { alg, via, vectors } = await request.json();
      const verdicts = [];
      for (const t of vectors) verdicts.push(await full.checkSignature(alg, t.jwk, unhex(t.msg), unhex(t.sig), via));
      return Response.json(verdicts);
    }
    // Asymmetric tokens through the whole verifier: verify (Wasm) and verifyAsync (WebCrypto).
    if (url.pathname === '/verify-jwks') {
      const { jwks, iss, aud, tokens } = await request.json();
      const v = full.createVerifier({ jwks }, { jwksIssuer: iss, jwksAudience: aud });
      const outcome = async (f) => {
        try {
          return `ok:${(await f()).userId}`;
        } catch (e) {
          if (!(e instanceof TokenError) && e?.name !== 'TokenError') throw e;
          return e.code;
        }
      };
      const out = [];
      for (const t of tokens) out.push([await outcome(() => v.verify(t)), await outcome(() => v.verifyAsync(t))]);
      v.free();
      return Response.json(out);
    }
    // `authorize` of the default entry (Better Auth's session cookie cache among its inputs): each
    // request's verdict, kept small; the session token is only ever what the claims hold.
    if (url.pathname === '/authorize') {
      const { keys, options, requests } = await request.json();
      const v = createVerifier(keys, options);
      const out = requests.map((input) => {
        const r = v.authorize(input);
        return r.ok
          ? { ok: true, userId: r.verified.userId, sessionToken: r.verified.claims.session?.token }
          : { ok: false, code: r.error.code, claim: r.error.claim ?? null, status: r.status };
      });
      v.free();
      return Response.json(out);
    }
    if (url.pathname === '/sign')
      return new Response(sign({ sub: url.searchParams.get('sub') }, env.BETTER_AUTH_SECRET));
    return new Response('not found', { status: 404 });
  },
};
