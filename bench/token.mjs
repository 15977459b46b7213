// The one token every benchmark uses: HS256, about 400 bytes, claims
// iss sub aud exp iat jti user_id user_email, a 44-character secret.
import { createHmac } from 'node:crypto';

export const SECRET = 'tg-bench-secret-0123456789abcdefghijklmnopqr';
export const USER = 'user_2f9c1e7a4b8d4c6e9a0b1c2d3e4f5a6b';
export const ISSUER = 'https://app.example.com';
export const AUDIENCE = 'taskgate-api';

export function benchToken(now = Math.floor(Date.now() / 1000), sub = USER) {
  const header = { alg: 'HS256', typ: 'JWT' };
  const claims = {
    iss: ISSUER,
    sub,
    aud: AUDIENCE,
    exp: now + 3600,
    iat: now,
    jti: '8c1f4e2a9b7d4f3e8a6c5b4d3e2f1a0b',
    user_id: sub,
    user_email: 'someone@example.com',
  };
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}
