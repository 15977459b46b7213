// CPU time of the processes of one `wrangler dev`, read from /proc: the processes of its
// process group (tests/lib/worker.mjs starts wrangler detached, so its pid is the group id),
// sorted into what they do:
//   runtime  the workerd that runs the Worker (and, under wrangler dev, the local D1
//            simulator, a Durable Object in the same process, and the static-assets router)
//   proxy    the workerd of wrangler's own proxy Worker, in front of every request
//   wrangler wrangler's Node processes (they receive the Worker's log lines), and esbuild
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat. */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** The processes of process group `pgid`, by role. */
export function processes(pgid) {
  const roles = { runtime: [], proxy: [], wrangler: [] };
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fields;
    let cmdline;
    try {
      fields = stat(name);
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (Number(fields[2]) !== pgid) continue;
    const pid = Number(name);
    if (cmdline[0].endsWith('/workerd')) {
      // wrangler starts two: its proxy (no inspector) and the Worker's runtime (inspector on).
      (cmdline.some((a) => a.startsWith('--inspector-addr')) ? roles.runtime : roles.proxy).push(pid);
    } else {
      roles.wrangler.push(pid);
    }
  }
  if (roles.runtime.length === 0 || roles.proxy.length === 0) {
    throw new Error(`process group ${pgid}: expected two workerd processes, found ${JSON.stringify(roles)}`);
  }
  return roles;
}

/** utime + stime of `pids`, in seconds (a pid that has exited counts 0). */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = stat(pid);
      ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15 of stat: utime, stime
    } catch {
      /* gone */
    }
  }
  return ticks / CLK_TCK;
}

/** A snapshot of every role's CPU seconds. */
export function snapshot(roles) {
  return Object.fromEntries(Object.entries(roles).map(([role, pids]) => [role, cpuSeconds(pids)]));
}

/** CPU milliseconds per request of each role between two snapshots. */
export function perRequest(before, after, requests) {
  return Object.fromEntries(
    Object.keys(before).map((role) => [role, ((after[role] - before[role]) * 1000) / requests]),
  );
}
