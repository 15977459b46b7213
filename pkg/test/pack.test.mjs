// What users really get: `npm pack`, installed into an empty project, imported from Node.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PKG = new URL('..', import.meta.url).pathname;

it('the packed tarball installs into an empty project and verifies in Node', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskgate-pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: PKG }).toString(),
  )[0];
  const files = packed.files.map((f) => f.path).sort();
  assert.ok(files.includes('dist/wasm/taskgate_bg.wasm'), files.join(' '));
  assert.ok(files.includes('dist/index.d.ts') && files.includes('dist/next.js') && files.includes('README.md'));
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f === 'Cargo.toml'), files.join(' '));
  const app = path.join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(dir, packed.filename)], {
    cwd: app,
  });
  assert.ok(readdirSync(path.join(app, 'node_modules')).includes('taskgate-verify'));
  writeFileSync(
    path.join(app, 'main.js'),
    `
    import { createVerifier, sign, inspect, TokenError } from 'taskgate-verify';
    const secret = 'consumer-secret-0123456789-abcdefghijklmn';
    const token = sign({ sub: 'packed-user' }, secret);
    const v = createVerifier(secret);
    let code;
    try { v.verify(token + 'x'); } catch (e) { code = e instanceof TokenError && e.code; }
    console.log(JSON.stringify({ user: v.verify(token).userId, code, alg: inspect(token).header.alg }));
  `,
  );
  const out = JSON.parse(execFileSync(process.execPath, ['main.js'], { cwd: app }).toString());
  assert.deepEqual(out, { user: 'packed-user', code: 'invalid_signature', alg: 'HS256' });
});
