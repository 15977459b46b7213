// inspect() never throws and reports problems short of the signature; sign() issues tokens
// that verify (and that node:crypto agrees with).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { inspect, sign, createVerifier, TokenError } from '../dist/node.js';
import { SECRET, NOW, claims, raw } from './helpers.mjs';

describe('inspect', () => {
  it('decodes a valid token and lists no problems', () => {
    const i = inspect(claims('{"sub":"u","exp":1700000100,"iat":1699999000}'), { now: NOW });
    assert.deepEqual(i.header, { alg: 'HS256', typ: 'JWT' });
    assert.equal(i.payload.sub, 'u');
    assert.equal(i.times.exp.toISOString(), new Date(1700000100 * 1000).toISOString());
    assert.deepEqual(i.problems, []);
    assert.equal(i.signatureChecked, false);
    assert.equal(i.segmentCount, 3);
  });
  it('lists header and claim problems together', () => {
    const i = inspect(raw('{"alg":"none"}', '{"exp":1}'), { now: NOW });
    assert.deepEqual(
      i.problems.map((p) => p.code),
      ['unsupported_algorithm', 'token_expired'],
    );
  });
  it('never throws on anything', () => {
    const inputs = [
      '',
      '.',
      '..',
      '...',
      'a.b.c',
      '\u0000',
      '\ud800',
      '🙂.🙂.🙂',
      'x'.repeat(20000),
      null,
      undefined,
      42,
      {},
      [],
    ];
    for (let i = 0; i < 300; i++)
      inputs.push(
        randomBytes(i % 64).toString('latin1'),
        randomBytes(i % 90)
          .toString('base64url')
          .replace(/(.{7})/g, '$1.'),
      );
    for (const input of inputs) {
      const i = inspect(input);
      assert.ok(Array.isArray(i.problems));
      if (input === '' || typeof input !== 'string')
        assert.deepEqual(
          i.problems.map((p) => p.code),
          ['missing_token'],
        );
    }
  });
  it('keeps text that is not JSON', () => {
    const i = inspect(raw('{"alg":"HS256"}', 'hello'));
    assert.equal(i.payload, null);
    assert.equal(i.payloadText, 'hello');
    assert.deepEqual(
      i.problems.map((p) => p.code),
      ['malformed_token'],
    );
  });
});

describe('sign', () => {
  it('issues HS256 with iat and a 24 h exp by default, verifiable by node:crypto', () => {
    const t = sign({ sub: 'alice', email: 'a@example.com' }, SECRET, { now: NOW });
    const [h, p, s] = t.split('.');
    assert.equal(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'), s);
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url')), { alg: 'HS256', typ: 'JWT' });
    const payload = JSON.parse(Buffer.from(p, 'base64url'));
    assert.equal(payload.iat, NOW);
    assert.equal(payload.exp, NOW + 86400);
    assert.equal(createVerifier(SECRET, { now: NOW }).verify(t).claims.email, 'a@example.com');
  });
  it('uses expiresIn, and keeps exp/iat the caller set', () => {
    const t = sign({ sub: 'a' }, SECRET, { now: NOW, expiresIn: 60 });
    assert.equal(createVerifier(SECRET, { now: NOW }).verify(t).claims.exp, NOW + 60);
    const u = sign({ sub: 'a', exp: 5, iat: 4 }, SECRET, { now: NOW });
    assert.deepEqual(inspect(u).payload, { sub: 'a', exp: 5, iat: 4 });
  });
  it('signs with the current key of a ring and sets kid', () => {
    const ring = `3:${SECRET}-three,2:${SECRET}-two`;
    const t = sign({ sub: 'a' }, { secrets: ring }, { now: NOW });
    assert.equal(inspect(t).header.kid, '3');
    assert.equal(createVerifier({ secrets: `3:${SECRET}-three` }, { now: NOW }).verify(t).userId, 'a');
  });
  it('refuses weak keys and non-object claims', () => {
    assert.throws(
      () => sign({ sub: 'a' }, 'short'),
      (e) => e instanceof TokenError && e.code === 'weak_key',
    );
    assert.throws(() => sign('sub', SECRET), TypeError);
  });
});
