// Tokens signed with node:crypto, independently of the package.
import { createHmac } from 'node:crypto';

export const SECRET = 'pkg-test-secret-0123456789-abcdefghijklmnop';
export const NOW = 1_700_000_000;
export const b64 = (s) => Buffer.from(s).toString('base64url');

export function raw(header, payload, secret = SECRET) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const claims = (payload, secret) => raw('{"alg":"HS256","typ":"JWT"}', payload, secret);
export const VALID = '{"sub":"user_1","exp":1700000100,"iat":1699999900}';
