// Tokens for the tests, signed with node:crypto (independently of the Rust signer).
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET = 'e2e-test-secret-0123456789-abcdefghijklmnopq';
export const NEW_SECRET = 'e2e-rotated-secret-new-0123456789-abcdefghij';
export const OLD_SECRET = 'e2e-rotated-secret-old-0123456789-abcdefghij';

export const b64url = (data) => Buffer.from(data).toString('base64url');

/** A compact HS256 JWS of raw header and payload text. */
export function signRaw(headerText, payloadText, secret = SECRET) {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const now = () => Math.floor(Date.now() / 1000);

/** A token for `sub`, valid for an hour, with extra claims and header members. */
export function token(sub, { claims = {}, header = {}, secret = SECRET } = {}) {
  const payload = { sub, iat: now(), exp: now() + 3600, jti: randomBytes(8).toString('hex'), ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return signRaw(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }), JSON.stringify(payload), secret);
}
