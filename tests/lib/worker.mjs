// Starts a real `wrangler dev --local` (workerd + local D1) for a test file, on free ports, in
// its own temporary directory (config, .dev.vars, D1 state), and stops it by process group.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin');
const WRANGLER = path.join(BIN, 'wrangler');

/** The environment wrangler runs in: Node 22 from node_modules first, no prompts, no metrics. */
function wranglerEnv() {
  return {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH}`,
    WRANGLER_SEND_METRICS: 'false',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The repository's wrangler.toml, made runnable from another directory: absolute paths, no
 * build step (the suite builds the Worker once before it starts), and the given vars.
 */
function testConfig(vars) {
  let toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  toml = toml.replace(/^\[build\][\s\S]*?(?=^\[)/m, '');
  toml = toml.replace(/^\[vars\][\s\S]*?(?=^\[|(?![\s\S]))/m, '');
  toml = toml.replace(/^main = "(.*)"$/m, (_, p) => `main = ${JSON.stringify(path.join(ROOT, p))}`);
  toml = toml.replace(/^migrations_dir = "(.*)"$/m, (_, p) => `migrations_dir = ${JSON.stringify(path.join(ROOT, p))}`);
  toml = toml.replace(/^directory = "(.*)"$/m, (_, p) => `directory = ${JSON.stringify(path.join(ROOT, p))}`);
  const lines = Object.entries(vars).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return `${toml}\n[vars]\n${lines.join('\n')}\n`;
}

export class WorkerServer {
  /**
   * @param {object} opts
   * @param {Record<string,string>} [opts.secrets] written to .dev.vars (omit for none)
   * @param {Record<string,string>} [opts.vars] [vars] of the config
   * @param {string} [opts.toml] another Worker's whole wrangler.toml (then no migrations unless `migrate`)
   * @param {boolean} [opts.migrate] apply the D1 migrations (default: only for the TaskGate Worker)
   * @param {Record<string,string>} [opts.files] files to write in the server's directory
   * @param {Record<string,string>} [opts.links] symlinks to create there (path -> target)
   */
  constructor({ secrets = {}, vars = {}, toml, files = {}, links = {}, migrate } = {}) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'taskgate-worker-'));
    this.config = path.join(this.dir, 'wrangler.toml');
    this.state = path.join(this.dir, 'state');
    this.migrations = migrate ?? toml === undefined;
    // TASK_STORE in the test run's environment picks the store of every TaskGate Worker it starts
    // (scripts/test.sh runs the API and app suites once per store).
    const store = process.env.TASK_STORE ? { TASK_STORE: process.env.TASK_STORE } : {};
    writeFileSync(this.config, toml ?? testConfig({ CORS_ORIGINS: 'http://localhost:3000', ...store, ...vars }));
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
      writeFileSync(path.join(this.dir, rel), text);
    }
    for (const [rel, target] of Object.entries(links)) {
      mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
      symlinkSync(target, path.join(this.dir, rel));
    }
    const devVars = Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
    if (devVars) writeFileSync(path.join(this.dir, '.dev.vars'), devVars);
    this.output = '';
  }

  /** Creates the server, applies the migrations, starts it and waits for /health. */
  static async start(opts) {
    const s = new WorkerServer(opts);
    await s.migrate();
    await s.launch();
    return s;
  }

  async migrate() {
    if (!this.migrations) return;
    const { stdout, stderr } = await promisify(execFile)(
      WRANGLER,
      ['d1', 'migrations', 'apply', 'taskgate', '--local', '--config', this.config, '--persist-to', this.state],
      // Bounded like the start below: a stuck migration fails the test file, it does not hang it.
      { env: wranglerEnv(), cwd: this.dir, timeout: 180_000, killSignal: 'SIGKILL' },
    );
    this.output += stdout + stderr;
  }

  /** Starts wrangler dev (again, after `kill()`: on the same port with `samePort`) and waits for /health. */
  async launch({ samePort = false } = {}) {
    if (!(samePort && this.port)) this.port = await freePort();
    const inspector = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(
      WRANGLER,
      [
        'dev',
        '--local',
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--inspector-port',
        String(inspector),
        '--config',
        this.config,
        '--persist-to',
        this.state,
        '--show-interactive-dev-session=false',
        // GET /__scheduled runs the scheduled handler (the revocation purge) on demand.
        '--test-scheduled',
      ],
      { env: wranglerEnv(), cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.exited = new Promise((resolve) => this.proc.on('exit', resolve));
    this.proc.stdout.on('data', (d) => {
      this.output += d;
    });
    this.proc.stderr.on('data', (d) => {
      this.output += d;
    });
    // 90 s; more under valgrind on a busy machine (bench/workerd/instructions.mjs): WORKER_START_SECONDS.
    const startSeconds = Number(process.env.WORKER_START_SECONDS ?? 90);
    const deadline = Date.now() + startSeconds * 1000;
    let exitCode = null;
    this.exited.then((c) => {
      exitCode = c ?? 'signal';
    });
    while (Date.now() < deadline) {
      if (exitCode !== null) throw new Error(`wrangler dev exited (${exitCode}):\n${this.output.slice(-3000)}`);
      try {
        const r = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await this.kill();
    throw new Error(`wrangler dev did not answer /health within ${startSeconds} s:\n${this.output.slice(-3000)}`);
  }

  async kill() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode) return;
    try {
      process.kill(-this.proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {}
    }, 5000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops wrangler and starts it again on the same state (a new port). */
  async restart() {
    await this.kill();
    await this.launch();
  }

  /** Stops the server and removes its directory. */
  async stop() {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The JSON request-log lines the Worker printed so far. */
  requestLogs() {
    return this.output.split('\n').flatMap((line) => {
      const i = line.indexOf('{"code"');
      if (i < 0) return [];
      try {
        return [JSON.parse(line.slice(i))];
      } catch {
        return [];
      }
    });
  }
}
