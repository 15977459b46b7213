// A JavaScript Worker that imports the npm package the way users do ('taskgate-verify'
// resolved through node_modules by wrangler's bundler, `workerd` condition).
import { createVerifier, inspect, sign, TokenError } from 'taskgate-verify';

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
    if (url.pathname === '/sign') return new Response(sign({ sub: url.searchParams.get('sub') }, env.BETTER_AUTH_SECRET));
    return new Response('not found', { status: 404 });
  },
};
