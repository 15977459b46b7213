// Runs once when the server starts: a missing, weak or default BETTER_AUTH_SECRET fails here
// (the taskgate() plugin's check), not at the first sign-in. Not during `next build`, which
// needs no secret.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const { getAuth } = await import('./lib/auth');
    await getAuth().$context;
  }
}
