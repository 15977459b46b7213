// Next.js configuration for the TaskGate todo app.
import path from 'node:path';

const here = import.meta.dirname;
// In this repository the package is linked (`"taskgate-verify": "file:../../pkg"`, a symlink), so
// the bundler's root is the repository: Turbopack reads no file outside its root. (An app that
// installs the package from the registry needs neither `root` nor `resolveAlias` below.)
const root = path.resolve(here, '../..');
const api = process.env.NEXT_PUBLIC_TASKGATE_API || 'http://127.0.0.1:8787';

/** @type {import('next').NextConfig} */
export default {
  // The end-to-end test builds into its own directory so it never disturbs `make dev`'s.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  turbopack: {
    root,
    // The linked package's own imports of `better-auth` would otherwise resolve from the
    // repository's node_modules (beside ../../pkg), a second copy next to this app's.
    resolveAlias: {
      'better-auth': './node_modules/better-auth/dist/index.mjs',
      'better-auth/api': './node_modules/better-auth/dist/api/index.mjs',
    },
  },
  outputFileTracingRoot: root,
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          // The pages talk to their own origin (Better Auth) and to the task API, nothing else.
          {
            key: 'Content-Security-Policy',
            value: `connect-src 'self' ${new URL(api).origin}; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'`,
          },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};
