import { existsSync } from 'node:fs';

/** Debian's Chromium, which .ci/run installs; tests never download a browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** As the machine's probe runs it: headless, and no calls home that a closed network refuses. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type BrowserAvailability = { available: true; executablePath: string } | { available: false; skipReason: string };

/**
 * Whether the browser tests can run here. `CHROMIUM_PATH` names another browser;
 * `REQUIRE_BROWSER_TESTS=1` (set by .ci/run) turns a missing browser into a failure,
 * so that CI can never pass by skipping them.
 */
export function browserAvailability(env: Readonly<Record<string, string | undefined>> = process.env, exists: (path: string) => boolean = existsSync): BrowserAvailability {
  const executablePath = env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (exists(executablePath)) return { available: true, executablePath };
  const missing = `no Chromium at ${executablePath}`;
  if (env.REQUIRE_BROWSER_TESTS === '1') throw new Error(`REQUIRE_BROWSER_TESTS=1 but ${missing}: install it with apt-get install -y chromium, or point CHROMIUM_PATH at one`);
  return {
    available: false,
    skipReason: `browser tests skipped: ${missing}. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH to run them; REQUIRE_BROWSER_TESTS=1 makes a missing browser fail.`,
  };
}
