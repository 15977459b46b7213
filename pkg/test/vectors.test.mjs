// The published vectors through the package, with TaskGate's expected outcomes read from the
// same expected-outcomes.json the Rust tests use: the Wycheproof JWS HS256 groups (with the
// upstream label errors as overrides, each with its reason) and the RFC 7515 / 7520 / 7797 examples.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVerifier } from '../dist/node.js';
import { load } from './cases.mjs';

const EXPECTED = load('expected-outcomes.json');

const outcome = (v, token, withClaim) => {
  try {
    v.verify(token);
    return 'ok';
  } catch (e) {
    return withClaim && e.claim ? `${e.code}:${e.claim}` : e.code;
  }
};
const tagChanged = (t) => {
  const i = t.lastIndexOf('.');
  const tag = t.slice(i + 1);
  return `${t.slice(0, i + 1)}${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`;
};
/** Passes the signature step: with another tag it fails there, and as it is it does not. */
const passesSignature = (v, t) =>
  outcome(v, t) !== 'invalid_signature' && outcome(v, tagChanged(t)) === 'invalid_signature';
const jwkVerifier = (jwk, now) => createVerifier(new Uint8Array(Buffer.from(jwk.k, 'base64url')), { now });

/** `sig-ok` (the signature passes, then the payload is not a claims set) or a code. */
function checkExpected(v, token, want) {
  if (want === 'sig-ok') {
    assert.equal(outcome(v, token), 'malformed_token');
    assert.ok(passesSignature(v, token), 'the signature step passes');
  } else {
    assert.equal(outcome(v, token, want.includes(':')), want);
  }
}

describe('Wycheproof JWS, the HS256 groups', () => {
  const file = load('wycheproof-json_web_signature_test.json');
  let seen = 0;
  for (const gi of EXPECTED.hs256_groups) {
    const group = file.testGroups[gi];
    const v = jwkVerifier(group.private, EXPECTED.now);
    for (const test of group.tests) {
      seen += 1;
      it(`tcId ${test.tcId} ${test.comment}`, () => {
        const token = typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws);
        const want = EXPECTED.expected[test.tcId];
        assert.ok(want, 'listed');
        checkExpected(v, token, want);
        const labelValid = test.result === 'valid';
        assert.equal(labelValid !== (want === 'sig-ok'), test.tcId in EXPECTED.label_overrides);
      });
    }
  }
  it('every listed case was run', () => assert.equal(seen, Object.keys(EXPECTED.expected).length));
});

describe('RFC examples', () => {
  const rfc = load('rfc-hs256.json').vectors;
  for (const [name, checks] of Object.entries(EXPECTED.rfc)) {
    for (const c of checks) {
      it(`${name} at ${c.now}: ${c.expect}`, () => {
        const vector = rfc[name];
        const token = vector[c.token ?? 'token'];
        const v = jwkVerifier(vector.jwk, c.now);
        checkExpected(v, token, c.claim ? `${c.expect}:${c.claim}` : c.expect);
        if (c.signature_checked) assert.equal(outcome(v, tagChanged(token)), 'invalid_signature');
      });
    }
  }
});
