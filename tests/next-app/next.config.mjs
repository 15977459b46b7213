// The fixture app for the Next.js tests. Each variant (proxy.ts on Node, middleware.ts on
// Edge) builds into its own directory so both can be built and started.
const here = import.meta.dirname;

export default {
  distDir: process.env.NEXT_DIST_DIR || '.next',
  outputFileTracingRoot: here,
  turbopack: { root: here },
};
