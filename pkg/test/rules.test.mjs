// Every rule and error code of the contract, through the package's API in Node.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVerifier, verify, TokenError, ERROR_CODES } from '../dist/node.js';
import { SECRET, NOW, b64, raw, claims, VALID } from './helpers.mjs';

const v = createVerifier(SECRET, { now: NOW });
const outcome = (token, verifier = v) => {
  try {
    return verifier.verify(token).userId;
  } catch (e) {
    assert.ok(e instanceof TokenError, String(e));
    return e.claim ? `${e.code}:${e.claim}` : e.code;
  }
};

describe('size and shape', () => {
  it('empty is missing_token', () => assert.equal(outcome(''), 'missing_token'));
  it('a non-string is missing_token', () => assert.equal(outcome(undefined), 'missing_token'));
  it('over 8192 bytes is token_too_large', () => assert.equal(outcome('a'.repeat(8193)), 'token_too_large'));
  it('maxTokenLength is configurable', () => {
    const t = claims(VALID);
    assert.equal(outcome(t, createVerifier(SECRET, { now: NOW, maxTokenLength: t.length - 1 })), 'token_too_large');
  });
  it('two or four segments are malformed', () => {
    const t = claims(VALID);
    assert.equal(outcome(t.split('.').slice(0, 2).join('.')), 'malformed_token');
    assert.equal(outcome(`${t}.x`), 'malformed_token');
  });
  it('padding, + and /, whitespace are malformed', () => {
    const t = claims(VALID);
    assert.equal(outcome(`${t}=`), 'malformed_token');
    const [h, p, s] = t.split('.');
    assert.equal(outcome(`${h}.${p}.+${s.slice(1)}`), 'malformed_token');
    assert.equal(outcome(` ${t}`), 'malformed_token');
  });
});

describe('header', () => {
  it('alg none, hs256, HS512, RS256, missing: unsupported_algorithm', () => {
    for (const h of ['{"alg":"none"}', '{"alg":"hs256"}', '{"alg":"HS512"}', '{"alg":"RS256"}', '{"typ":"JWT"}']) {
      assert.equal(outcome(raw(h, VALID)), 'unsupported_algorithm', h);
    }
  });
  it('typ other than JWT, crit, b64: unsupported_header', () => {
    for (const h of ['{"alg":"HS256","typ":"JWS"}', '{"alg":"HS256","crit":["x"]}', '{"alg":"HS256","b64":false}']) {
      assert.equal(outcome(raw(h, VALID)), 'unsupported_header', h);
    }
  });
  it('typ is case-insensitive', () => assert.equal(outcome(raw('{"alg":"HS256","typ":"jwt"}', VALID)), 'user_1'));
  it('duplicate header members are malformed', () => assert.equal(outcome(raw('{"alg":"HS256","alg":"HS256"}', VALID)), 'malformed_token'));
});

describe('signature and keys', () => {
  it('a wrong secret is invalid_signature', () => assert.equal(outcome(claims(VALID, 'another-secret-of-at-least-32-bytes-000')), 'invalid_signature'));
  it('a tampered payload is invalid_signature', () => {
    const [h, , s] = claims(VALID).split('.');
    assert.equal(outcome(`${h}.${b64('{"sub":"admin","exp":1700000100}')}.${s}`), 'invalid_signature');
  });
  it('a Uint8Array key works like its string', () => {
    const bytes = new TextEncoder().encode(SECRET);
    assert.equal(outcome(claims(VALID), createVerifier(bytes, { now: NOW })), 'user_1');
  });
  it('a ring verifies old and new keys; kid selects one', () => {
    const ring = `2:${SECRET}-new,1:${SECRET}-old`;
    const r = createVerifier({ secrets: ring }, { now: NOW });
    assert.equal(outcome(raw('{"alg":"HS256","kid":"2"}', VALID, `${SECRET}-new`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"1"}', VALID, `${SECRET}-old`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256"}', VALID, `${SECRET}-old`), r), 'user_1');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"2"}', VALID, `${SECRET}-old`), r), 'invalid_signature');
    assert.equal(outcome(raw('{"alg":"HS256","kid":"9"}', VALID, `${SECRET}-new`), r), 'invalid_signature');
  });
  it('{ secrets } and an environment object pick the ring over the secret', () => {
    const env = { BETTER_AUTH_SECRET: 'x', BETTER_AUTH_SECRETS: `7:${SECRET}` };
    assert.equal(outcome(raw('{"alg":"HS256","kid":"7"}', VALID), createVerifier(env, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID), createVerifier({ secrets: `7:${SECRET}` }, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID), createVerifier({ secret: SECRET }, { now: NOW })), 'user_1');
  });
  it('a secret string is always one secret, even with ":" and ","', () => {
    const odd = 'base64:abc,2:def-0123456789-0123456789-xyz';
    assert.equal(outcome(claims(VALID, odd), createVerifier(odd, { now: NOW })), 'user_1');
    assert.equal(outcome(claims(VALID, odd), createVerifier({ secret: odd }, { now: NOW })), 'user_1');
  });
  it('a key under 32 bytes throws weak_key', () => {
    assert.throws(() => createVerifier('x'.repeat(31)), (e) => e instanceof TokenError && e.code === 'weak_key');
    assert.throws(() => createVerifier({ secrets: `1:${'x'.repeat(31)}` }), (e) => e.code === 'weak_key');
  });
  it('bad rings and options throw invalid_config', () => {
    assert.throws(() => createVerifier({ secrets: `1:${SECRET},1:${SECRET}` }), (e) => e.code === 'invalid_config');
    assert.throws(() => createVerifier(SECRET, { leeway: 301 }), (e) => e.code === 'invalid_config');
    assert.throws(() => createVerifier(SECRET, { leeway: 1.5 }), (e) => e.code === 'invalid_config');
    assert.throws(() => createVerifier(42), (e) => e.code === 'invalid_config');
  });
});

describe('claims', () => {
  const c = (payload, verifier) => outcome(claims(payload), verifier);
  it('not a JSON object is malformed', () => assert.equal(c('[1]'), 'malformed_token'));
  it('duplicate claims are malformed', () => assert.equal(c('{"sub":"a","sub":"b","exp":1700000100}'), 'malformed_token'));
  it('exp missing, wrong type, out of range, expired', () => {
    assert.equal(c('{"sub":"a"}'), 'missing_claim:exp');
    assert.equal(c('{"sub":"a","exp":"1700000100"}'), 'invalid_claim:exp');
    assert.equal(c('{"sub":"a","exp":-1}'), 'invalid_claim:exp');
    assert.equal(c('{"sub":"a","exp":253402300800}'), 'invalid_claim:exp');
    assert.equal(c('{"sub":"a","exp":1e999}'), 'invalid_claim:exp');
    assert.equal(c('{"sub":"a","exp":1700000000}'), 'token_expired:exp');
    assert.equal(c('{"sub":"a","exp":1700000000.5}'), 'a');
  });
  it('requireExp: false accepts tokens without exp', () => {
    assert.equal(c('{"sub":"a"}', createVerifier(SECRET, { now: NOW, requireExp: false })), 'a');
  });
  it('leeway applies to exp, nbf and iat', () => {
    const lv = createVerifier(SECRET, { now: NOW, leeway: 60 });
    assert.equal(c('{"sub":"a","exp":1699999950}', lv), 'a');
    assert.equal(c('{"sub":"a","exp":1700000100,"nbf":1700000050}', lv), 'a');
    assert.equal(c('{"sub":"a","exp":1700000100,"nbf":1700000061}', lv), 'token_not_yet_valid:nbf');
  });
  it('future nbf and iat are token_not_yet_valid', () => {
    assert.equal(c('{"sub":"a","exp":1700000100,"nbf":1700000001}'), 'token_not_yet_valid:nbf');
    assert.equal(c('{"sub":"a","exp":1700000100,"iat":1700000001}'), 'token_not_yet_valid:iat');
  });
  it('maxAge expires old tokens and needs iat', () => {
    const mv = createVerifier(SECRET, { now: NOW, maxAge: 60 });
    assert.equal(c('{"sub":"a","exp":1800000000,"iat":1699999000}', mv), 'token_expired:iat');
    assert.equal(c('{"sub":"a","exp":1800000000}', mv), 'missing_claim:iat');
  });
  it('sub missing, empty, not a string, too long', () => {
    assert.equal(c('{"exp":1700000100}'), 'missing_claim:sub');
    assert.equal(c('{"sub":"","exp":1700000100}'), 'invalid_claim:sub');
    assert.equal(c('{"sub":1,"exp":1700000100}'), 'invalid_claim:sub');
    assert.equal(c(`{"sub":"${'a'.repeat(256)}","exp":1700000100}`), 'invalid_claim:sub');
    assert.equal(c(`{"sub":"${'é'.repeat(255)}","exp":1700000100}`), 'é'.repeat(255));
  });
  it('user_id must equal sub', () => {
    assert.equal(c('{"sub":"a","user_id":"b","exp":1700000100}'), 'invalid_claim:user_id');
    assert.equal(c('{"sub":"a","user_id":"a","exp":1700000100}'), 'a');
  });
  it('issuer and audience when configured', () => {
    const iv = createVerifier(SECRET, { now: NOW, issuer: 'https://app', audience: 'tasks' });
    assert.equal(c('{"sub":"a","exp":1700000100,"iss":"https://app","aud":["x","tasks"]}', iv), 'a');
    assert.equal(c('{"sub":"a","exp":1700000100,"iss":"https://evil","aud":"tasks"}', iv), 'invalid_issuer:iss');
    assert.equal(c('{"sub":"a","exp":1700000100,"iss":"https://app"}', iv), 'invalid_audience:aud');
    assert.equal(c('{"sub":"a","exp":1700000100,"aud":5}'), 'a', 'aud is not checked unless configured');
    assert.equal(c('{"sub":"a","exp":1700000100,"iss":"https://app","aud":[1]}', iv), 'invalid_audience:aud');
  });
  it('jti, email, user_email must be strings', () => {
    assert.equal(c('{"sub":"a","exp":1700000100,"jti":1}'), 'invalid_claim:jti');
    assert.equal(c('{"sub":"a","exp":1700000100,"email":1}'), 'invalid_claim:email');
    assert.equal(c('{"sub":"a","exp":1700000100,"user_email":1}'), 'invalid_claim:user_email');
  });
});

describe('results and errors', () => {
  it('returns userId, claims (unknown ones kept) and header', () => {
    const r = v.verify(raw('{"alg":"HS256","typ":"JWT","kid":"k"}', '{"sub":"u\\u00e9","exp":1700000100,"role":"admin","n":{"x":[1]}}'));
    assert.equal(r.userId, 'ué');
    assert.deepEqual(r.claims, { sub: 'ué', exp: 1700000100, role: 'admin', n: { x: [1] } });
    assert.deepEqual(r.header, { alg: 'HS256', typ: 'JWT', kid: 'k' });
    assert.deepEqual(JSON.parse(JSON.stringify(r)), { userId: 'ué', claims: r.claims, header: r.header });
  });
  it('a TokenError has code, claim and a sentence, never the token', () => {
    const t = claims('{"sub":"secret-user","exp":1}');
    try {
      v.verify(t);
      assert.fail('should throw');
    } catch (e) {
      assert.equal(e.name, 'TokenError');
      assert.equal(e.message, 'the token has expired (claim "exp")');
      assert.ok(!e.message.includes('secret-user') && !e.stack.includes(t));
    }
  });
  it('the one-shot verify agrees', () => {
    assert.equal(verify(claims(VALID), SECRET, { now: NOW }).userId, 'user_1');
    assert.throws(() => verify(claims(VALID), SECRET, { now: NOW + 1000 }), (e) => e.code === 'token_expired');
  });
  it('now may be a Date or a function', () => {
    assert.equal(createVerifier(SECRET, { now: new Date(NOW * 1000) }).verify(claims(VALID)).userId, 'user_1');
    assert.equal(createVerifier(SECRET, { now: () => NOW }).verify(claims(VALID)).userId, 'user_1');
  });
  it('ERROR_CODES lists the contract codes', () => {
    assert.equal(ERROR_CODES.length, 14);
    assert.ok(ERROR_CODES.includes('token_not_yet_valid'));
  });
});
