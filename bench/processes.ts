import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { projectPath } from '@tributary/database';
import { freePorts } from '@tributary/testing';

/** A process of the system under measurement (Node.js, or a native gateway), listening on its own port. */
export interface RunningProcess {
  name: string;
  url: string;
  pid: number;
  /** Forgets the peak resident set so far: the next `peakRssMb` covers what follows. */
  resetPeakRss(): void;
  /** The largest resident set since start or the last reset (Linux VmHWM), in MB. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

export { freePorts };

/** A process's resident set now (VmRSS) or at its peak (VmHWM), in MB; null once it is gone or off Linux. */
export function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const kilobytes = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes ? Math.round(Number(kilobytes) / 1024) : null;
  } catch {
    return null;
  }
}

async function waitForHealth(url: string, child: ChildProcess, name: string, output: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before answering /health:\n${output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url}/health within ${timeoutMs / 1000} s:\n${output()}`);
}

/**
 * A file of the built apps: under dist, or under BENCH_BUILD_DIR. The harness test
 * (test/bench.e2e.ts) builds a copy of its own there, which no other test's
 * `npm run build:js` rewrites while its processes load it.
 */
export function builtPath(...parts: string[]): string {
  return process.env.BENCH_BUILD_DIR ? join(process.env.BENCH_BUILD_DIR, ...parts) : projectPath('dist', ...parts);
}

/**
 * Starts `node dist/<script>` with `env` on `port` (a free one by default), passed
 * through `portVariable`, and resolves once its /health answers. Its output is kept for error messages only:
 * the processes run with LOG_LEVEL=warn, so a quiet run prints nothing.
 */
export async function startProcess(name: string, script: string, portVariable: string, env: Record<string, string>, nodeFlags: string[] = [], port?: number): Promise<RunningProcess> {
  port ??= (await freePorts(1))[0]!;
  return spawnAndWait(name, process.execPath, [...nodeFlags, builtPath(script)], { ...env, [portVariable]: String(port) }, port);
}

/**
 * Starts a native executable (the Grafbase gateway) that listens on `port`, told by its
 * `args`, and answers /health there: the same RunningProcess as a Node.js one, so its
 * memory and CPU time are read from /proc alike.
 */
export function startExecutable(name: string, executable: string, args: string[], env: Record<string, string>, port: number): Promise<RunningProcess> {
  return spawnAndWait(name, executable, args, env, port);
}

async function spawnAndWait(name: string, command: string, args: string[], env: Record<string, string>, port: number): Promise<RunningProcess> {
  const child = spawn(command, args, {
    // No reporting store runs beside the contenders: the services' pumps stay off.
    env: { ...process.env, LOG_LEVEL: 'warn', PUMP_SCHEDULE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  try {
    await waitForHealth(url, child, name, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid!;
  return {
    name,
    url,
    pid,
    resetPeakRss: () => {
      // Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0); elsewhere the peak covers the whole run.
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Not Linux, or not allowed: peakRssMb then reports the peak since start.
      }
    },
    peakRssMb: () => residentMb(pid, 'VmHWM'),
    stop,
  };
}

/** CPU time (user + system) a process has used, in clock ticks; null once it is gone. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * Waits until `processes` together use under a tenth of a core. A load run that ends
 * leaves requests in flight (a naive gateway may still be making thousands of calls);
 * the next measurement must not pay for them.
 */
export async function waitUntilIdle(processes: RunningProcess[], timeoutMs = 60_000): Promise<void> {
  const windowMs = 300;
  const deadline = Date.now() + timeoutMs;
  const total = () => processes.reduce((sum, p) => sum + (cpuTicks(p.pid) ?? 0), 0);
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = total();
    // Linux counts 100 ticks per CPU-second: a tenth of a core over the window.
    if (after - before <= (windowMs / 1000) * 100 * 0.1) return;
    before = after;
  }
}
