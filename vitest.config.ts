import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The @tributary/* aliases, from tsconfig.json's paths: one list for the compiler and the tests.
const { compilerOptions } = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(import.meta.dirname, target!)]));

export default defineConfig({
  // esbuild cannot emit decorator metadata, which Nest's injection and validation need.
  plugins: [swc.vite({ swcrc: false, jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true } })],
  oxc: false,
  resolve: { alias },
  test: {
    // Three tiers: unit specs beside the code, medium (the gateway over fake services), end-to-end.
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.medium.ts', 'test/**/*.e2e.ts'],
    env: { TZ: 'UTC' },
    reporters: ['default', './test/support/summary-line.reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
