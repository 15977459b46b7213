// Errors: TokenError, and the error numbers the Wasm answers with (their layout is generated
// into contract.js from pkg/src/numbers.rs, the one place it is written).
import { CLAIMS, ERROR_CODES, ERROR_NUMBER, ERRORS, REFUSAL_CODES } from './contract.js';

/** @typedef {import('./contract.js').ErrorCode | import('./contract.js').RefusalCode} Code */
/** @typedef {import('./contract.js').ClaimName} ClaimName */

/** A failed verification (or a key that cannot be used): a stable `code`, maybe a `claim`. */
export class TokenError extends Error {
  /** @type {'TokenError'} */
  name = 'TokenError';
  /**
   * @param {Code} code
   * @param {ClaimName} [claim]
   * @param {string} [message]
   */
  constructor(code, claim, message) {
    super(message ?? sentence(code));
    /** @type {Code} */
    this.code = code;
    /** @type {ClaimName | undefined} */
    if (claim) this.claim = claim;
  }
}

/** @param {Code} code */
const sentence = (code) => (code in ERRORS ? ERRORS[/** @type {keyof ERRORS} */ (code)].description : code);

/**
 * The TokenError for what the Wasm threw or answered: an error number (the code, 1-based over
 * ERROR_CODES then REFUSAL_CODES, in the low byte; the claim, 1-based in CLAIMS, in the next),
 * a sentence saying why the settings cannot be used (`invalid_config`), or, for an environment's
 * settings, `[error number, sentence]`, the sentence the crate's naming the variable at fault
 * (kept as the error's `setting`). `why` adds to the message of an error without a claim.
 * Anything else was not the Wasm's, and is thrown again.
 * @param {unknown} thrown
 * @param {string} [why]
 * @returns {TokenError}
 */
export function tokenError(thrown, why) {
  if (typeof thrown === 'string') return tokenError(INVALID_CONFIG, thrown);
  if (Array.isArray(thrown) && thrown.length === 2) {
    const [n, sentence] = thrown;
    return Object.assign(tokenError(n, sentence), { setting: sentence });
  }
  if (typeof thrown !== 'number') throw thrown;
  const n = thrown & ERROR_NUMBER.codeMask;
  const code = ERROR_CODES[n - 1] ?? REFUSAL_CODES[n - 1 - ERROR_CODES.length] ?? 'invalid_config';
  const claim = CLAIMS[((thrown >>> ERROR_NUMBER.claimShift) & ERROR_NUMBER.codeMask) - 1];
  const text = sentence(code);
  return new TokenError(code, claim, claim ? `${text} (claim "${claim}")` : why ? `${text}: ${why}` : text);
}

/**
 * The number of a TokenError, for the Wasm.
 * @param {{ code: string, claim?: string }} error
 */
export function errorNumber(error) {
  const code = ERROR_CODES.indexOf(/** @type {any} */ (error.code)) + 1;
  const refusal = ERROR_CODES.length + REFUSAL_CODES.indexOf(/** @type {any} */ (error.code)) + 1;
  const claim = CLAIMS.indexOf(/** @type {any} */ (error.claim)) + 1;
  return (code || refusal) | (claim << ERROR_NUMBER.claimShift);
}

const INVALID_CONFIG = ERROR_CODES.indexOf('invalid_config') + 1;

/**
 * An `invalid_config` TokenError saying why.
 * @param {string} message
 */
export const invalidConfig = (message) => new TokenError('invalid_config', undefined, message);
