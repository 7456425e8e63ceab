import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The @tributary/* aliases, from tsconfig.json's paths: one list for the compiler and the tests.
const { compilerOptions } = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(import.meta.dirname, target!)]));

const COMMON = { env: { TZ: 'UTC' }, testTimeout: 60_000, hookTimeout: 120_000 };

/**
 * Files that run alone, after the others: they kill processes at moments chosen in time
 * or measure how long something takes to arrive, which two files at once on two cores
 * would distort. (The benchmark's harness test, the backup round trip and the placement
 * crash test start many processes too, but assert no time, and the placement process
 * kills itself at points in its code, not at moments: they run beside the others.)
 */
const ALONE = [
  'test/event-pipeline-faults.e2e.ts',
  'test/pump-kill.e2e.ts',
  'test/gateway-resilience.e2e.ts',
  'test/incremental-reads.e2e.ts',
  'test/event-pump-nats.e2e.ts',
  'test/export-resume.e2e.ts',
];

/**
 * Files that change what their whole process does (tracing registers OpenTelemetry's
 * global provider for good): each runs in a process of its own, beside the others.
 */
const OWN_PROCESS = ['test/tracing.e2e.ts', 'test/tracing-events.e2e.ts'];

export default defineConfig({
  // esbuild cannot emit decorator metadata, which Nest's injection and validation need.
  plugins: [swc.vite({ swcrc: false, jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true } })],
  oxc: false,
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summary-line.reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          // Three tiers: unit specs beside the code, medium (the gateway over fake services), end-to-end.
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.medium.ts', 'test/**/*.e2e.ts'],
          exclude: [...ALONE, ...OWN_PROCESS],
          // Two files at a time: most of a file's time is its database and HTTP, not one core.
          maxWorkers: 2,
          // Each of the two workers runs file after file in one process, which imports the
          // apps and compiles PGlite's WebAssembly once instead of once per file. Every file
          // still starts its own apps on databases of its own.
          isolate: false,
          sequence: { groupOrder: 0 },
          ...COMMON,
        },
      },
      {
        extends: true,
        test: { name: 'own process', include: [...OWN_PROCESS], maxWorkers: 2, sequence: { groupOrder: 0 }, ...COMMON },
      },
      {
        extends: true,
        test: { name: 'alone', include: [...ALONE], fileParallelism: false, sequence: { groupOrder: 1 }, ...COMMON },
      },
    ],
  },
});
