// The wasm-bindgen glue of the package's two Wasm builds (pkg/src), as the package's JavaScript
// uses it: internal, not part of the package's API. The core build has what `WasmBuild` has; the
// full one (`taskgate_full`) adds what `WasmFullBuild` adds.

/**
 * A verifier's settings, read once by the Wasm when it is built (pkg/src/settings.rs); `inspect`
 * reads its options, `sign` its keys.
 */
export interface WasmSettings {
  secret?: Uint8Array;
  secrets?: string;
  /** An environment object: the crate's settings rules read its variables. */
  env?: object;
  leeway?: number;
  issuer?: string;
  audience?: string;
  maxAge?: number;
  maxTokenLength?: number;
  requireExp?: boolean;
  /** The session cookie cache's strategy, when it is accepted. */
  sessionCache?: 'compact' | 'jwt' | 'jwe';
  sessionCacheVersion?: string;
  /** Full build: a JWK Set (JSON) given. */
  jwks?: string;
  /** Full build: where to fetch the JWK Set from. */
  jwksUrl?: string;
  jwksIssuer?: string;
  jwksAudience?: string;
  cookiePrefix?: string;
  tokenCookie?: string;
  /** Comma-separated. */
  allowedOrigins?: string;
}

/** A request, as `authorize` reads it. */
export interface WasmRequest {
  authorization?: string;
  cookie?: string;
  method?: string;
  origin?: string;
  ownOrigin?: string;
  pathUser?: string;
}

/** A signature for the platform to check. */
export interface WasmJob {
  keyIndex(): number;
  importParams(): string;
  verifyParams(): string;
  key(): string;
  message(): Uint8Array;
  signature(): Uint8Array;
  free(): void;
}

export interface WasmVerifier {
  /** 0, an error number, or (full build) PENDING. */
  verify(token: string, now: number): number;
  /** 0, a refusal number, or (full build) PENDING. */
  authorize(request: WasmRequest, now: number): number;
  sub(): string;
  decoded(): string;
  headerLength(): number;
  free(): void;
}

export interface WasmFullVerifier extends WasmVerifier {
  takeJob(): WasmJob | undefined;
  settle(job: WasmJob, verdict: boolean | undefined): number;
  readonly jwksUrl: string | undefined;
  needsKeys(token: string, now: number): boolean;
  needsKeysFor(request: WasmRequest, now: number): boolean;
  keysFetched(jwks: string, now: number): boolean;
  retryAfter(now: number): number;
}

export interface WasmBuild {
  /** Throws an error number, or (full build) a sentence for a key source that cannot be used. */
  Verifier: new (
    settings: WasmSettings,
  ) => WasmVerifier;
  inspect(token: string, now: number, settings: WasmSettings): unknown[];
  /** Throws an error number. */
  sign(payloadJson: string, settings: WasmSettings): string;
  /** The HTTP answer to a refusal number: `status challenge\nbody`. */
  refusal(number: number, realm: string): string;
}

export interface WasmFullBuild extends WasmBuild {
  Verifier: new (settings: WasmSettings) => WasmFullVerifier;
  signRevocation(now: number, settings: WasmSettings): string;
  checkSignature(alg: string, jwkSet: string, message: Uint8Array, signature: Uint8Array): number;
  signatureJob(alg: string, jwkSet: string, message: Uint8Array, signature: Uint8Array): WasmJob | undefined;
}

/** A key readied for synchronous checks by the platform (node:crypto), or null when it cannot. */
export type PrepareKey = (
  importParams: { name: string; hash?: string },
  verifyParams: { name: string; hash?: string; saltLength?: number },
  jwk: string,
) => ((message: Uint8Array, signature: Uint8Array) => boolean) | null;

/** What a platform entry gives `bind`. */
export interface Platform {
  prepareKey?: PrepareKey;
}
