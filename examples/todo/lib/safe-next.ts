/**
 * Where to go after signing in: `next` when it is a path on this site (never another origin,
 * never back to the sign-in pages), else `/tasks`.
 */
export function safeNext(raw: string | string[] | null | undefined, fallback = '/tasks'): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  try {
    const url = new URL(value, 'http://app.invalid');
    if (url.origin !== 'http://app.invalid') return fallback;
    if (url.pathname === '/login' || url.pathname === '/signup') return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
