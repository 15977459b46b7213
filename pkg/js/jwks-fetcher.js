// A JWK Set fetched from a URL (full build), like jose's `createRemoteJWKSet` except that when
// to fetch is the crate's to say (first need, after 10 minutes, a new `kid` at most every 30 s:
// the Wasm's plan, `needsKeys`): one fetch in flight, which every check waiting shares, each
// bounded by the crate's fetch timeout.
import { LIMITS } from './contract.js';

/**
 * @param {string} url where the set is
 * @param {{ fetch: typeof fetch, received: (jwks: string) => void }} options `received` is given
 *   the body of each successful answer
 */
export function createJwksFetcher(url, { fetch, received }) {
  /** @type {Promise<void> | undefined} */
  let inflight;
  const get = async () => {
    try {
      const signal = AbortSignal.timeout(LIMITS.jwks_fetch_timeout_seconds * 1000);
      const r = await fetch(url, { signal, headers: { accept: 'application/json' } });
      if (r.ok) received(await r.text());
    } catch {
      // No set: checks that need one answer keys_unavailable until the next attempt.
    }
  };
  return {
    /**
     * Waits until the keys a check needs are here, or cannot be had: after the fetch in flight,
     * if any, asks `needed()` (the Wasm's plan, which counts a fetch as started when it says
     * yes) and fetches when so.
     * @param {() => boolean} needed
     * @returns {Promise<void>}
     */
    async ready(needed) {
      if (inflight) await inflight;
      if (!needed()) return;
      const fetching = get().finally(() => {
        if (inflight === fetching) inflight = undefined;
      });
      inflight = fetching;
      await fetching;
    },
  };
}
