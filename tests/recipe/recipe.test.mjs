// docs/nextjs.md is a test: a fresh Next.js 16 app whose source files are exactly that page's code
// blocks (each fenced block marked `file=PATH`, extracted here, so the doc cannot drift), the package
// installed from its packed tarball as step 1 says, `next build` + `next start` with the Worker
// under `wrangler dev`, driven in headless Chromium: sign up, add a task, wait past the cookie
// cache's maxAge (3 s here) and keep working without a login page, sign out -> login.
//
// The app's other packages (next, react, better-auth, typescript) are hard links of examples/todo's
// installed ones (the same versions; no registry needed while testing); taskgate-verify is unpacked
// from `npm pack`, which is what `npm install <tarball>` puts in node_modules.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { launch } from '../lib/browser.mjs';
import { installPacked } from '../lib/packed.mjs';
import { freePort, ROOT, WorkerServer } from '../lib/worker.mjs';

const DOC = path.join(ROOT, 'docs/nextjs.md');
const APP = path.join(ROOT, 'tests/recipe/app'); // git-ignored; rebuilt by every run
const SECRET = 'recipe-test-secret-0123456789-abcdefghijklm';
const CACHE_SECONDS = 3;
/** The tsconfig.json of a new app from create-next-app (Next.js 16). */
const CREATE_NEXT_APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2017',
    lib: ['dom', 'dom.iterable', 'esnext'],
    allowJs: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: 'react-jsx',
    incremental: true,
    plugins: [{ name: 'next' }],
    paths: { '@/*': ['./*'] },
  },
  include: ['next-env.d.ts', '**/*.ts', '**/*.tsx', '.next/types/**/*.ts'],
  exclude: ['node_modules'],
};

/** The doc's files: `{ path: source }`, from each fenced block whose info string names `file=PATH`. */
export function recipeFiles(markdown) {
  const files = {};
  for (const m of markdown.matchAll(/^```[a-z]+ file=(\S+)\n([\s\S]*?)^```$/gm)) files[m[1]] = m[2];
  return files;
}

let worker, next, exited, browser, page, base, data;
const logs = [];

before(async () => {
  const files = recipeFiles(readFileSync(DOC, 'utf8'));
  assert.ok(Object.keys(files).length >= 8, `code blocks found: ${Object.keys(files).join(', ')}`);
  rmSync(APP, { recursive: true, force: true });
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(APP, file)), { recursive: true });
    writeFileSync(path.join(APP, file), source);
  }
  // An existing app's package.json: Next.js, React, Better Auth (the recipe adds taskgate-verify).
  const todo = JSON.parse(readFileSync(path.join(ROOT, 'examples/todo/package.json'), 'utf8'));
  const { 'taskgate-verify': _, ...dependencies } = todo.dependencies;
  const pkg = {
    name: 'recipe-app',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: todo.devDependencies,
  };
  writeFileSync(path.join(APP, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // ...and the tsconfig.json create-next-app writes (strict, as Better Auth's types need).
  writeFileSync(path.join(APP, 'tsconfig.json'), `${JSON.stringify(CREATE_NEXT_APP_TSCONFIG, null, 2)}\n`);
  execFileSync('cp', ['-al', path.join(ROOT, 'examples/todo/node_modules'), path.join(APP, 'node_modules')]);
  // Step 1: the package from its tarball.
  installPacked(APP);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  worker = await WorkerServer.start({ secrets: { BETTER_AUTH_SECRET: SECRET }, vars: { CORS_ORIGINS: base } });
  const env = {
    ...process.env,
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_PUBLIC_TASKGATE_API: worker.url,
  };
  execFileSync(path.join(APP, 'node_modules/.bin/next'), ['build'], {
    cwd: APP,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  data = mkdtempSync(path.join(tmpdir(), 'taskgate-recipe-data-'));
  next = spawn(path.join(APP, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: APP,
    env: {
      ...env,
      BETTER_AUTH_SECRET: SECRET,
      BETTER_AUTH_URL: base,
      AUTH_DATABASE: path.join(data, 'auth.sqlite'),
      SESSION_CACHE_SECONDS: String(CACHE_SECONDS),
      TASKGATE_REVOCATION_URL: `${worker.url}/revocations`,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  next.stdout.on('data', (d) => logs.push(String(d)));
  next.stderr.on('data', (d) => logs.push(String(d)));
  exited = new Promise((r) => next.on('exit', r));
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await fetch(`${base}/login`, { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (Date.now() > deadline || next.exitCode !== null)
        throw new Error(`next start did not answer:\n${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  browser = await launch();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  if (next && next.exitCode === null) {
    try {
      process.kill(-next.pid, 'SIGTERM');
    } catch {}
    await exited;
  }
  await worker?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
  rmSync(APP, { recursive: true, force: true });
});

const at = () => new URL(page.url()).pathname;
const shot = (name) => {
  mkdirSync(path.join(ROOT, 'tests/artifacts'), { recursive: true });
  return page.screenshot({ path: path.join(ROOT, `tests/artifacts/recipe-${name}.png`) });
};

it('the doc alone: sign up, add a task, outlive the cookie cache, sign out', async () => {
  await page.goto(`${base}/tasks`);
  assert.equal(at(), '/login', 'signed out, /tasks goes to the login page');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/tasks');

  await page.getByLabel('Email').fill(`recipe-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('a-long-password-123');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${base}/tasks`, { timeout: 20_000 });

  const add = async (title) => {
    await page.getByLabel('New task').fill(title);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText(title, { exact: true }).waitFor({ timeout: 20_000 });
  };
  await add('buy milk');
  await shot('tasks');

  // Past the cookie cache's maxAge: the proxy renews it through Better Auth; no login page.
  await new Promise((r) => setTimeout(r, (CACHE_SECONDS + 1.5) * 1000));
  await page.reload();
  assert.equal(at(), '/tasks', 'a lapsed cookie cache did not send the user to the login page');
  await page.getByText('buy milk', { exact: true }).waitFor({ timeout: 20_000 });
  await add('after the cache lapsed');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/, { timeout: 20_000 });
  await page.goto(`${base}/tasks`);
  assert.equal(at(), '/login', 'signed out, /tasks is the login page again');
  await shot('signed-out');
  const said = logs.join('');
  assert.ok(!said.includes(SECRET), 'the secret was never logged');
});
