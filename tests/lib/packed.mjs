// The npm package as users get it: `npm pack`, unpacked into an app's node_modules (what
// `npm install <tarball>` puts there; the package has no dependencies of its own to install).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './worker.mjs';

/** Packs pkg/ and unpacks it as `<app>/node_modules/taskgate-verify`, replacing what was there. */
export function installPacked(app) {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskgate-pack-'));
  try {
    const [{ filename }] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(ROOT, 'pkg') }),
    );
    const target = path.join(app, 'node_modules/taskgate-verify');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['xzf', path.join(dir, filename), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
