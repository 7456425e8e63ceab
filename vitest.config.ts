import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => resolve(import.meta.dirname, `libs/${name}/src/index.ts`);

export default defineConfig({
  // esbuild cannot emit decorator metadata, which Nest's injection and validation need.
  plugins: [swc.vite({ swcrc: false, jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, keepClassNames: true } })],
  oxc: false,
  resolve: {
    alias: {
      '@tributary/batch-api': lib('batch-api'),
      '@tributary/database': lib('database'),
      '@tributary/service-kit': lib('service-kit'),
      '@tributary/demo-data': lib('demo-data'),
    },
  },
  test: {
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.e2e.ts'],
    env: { TZ: 'UTC' },
    reporters: ['default', './test/support/summary-line.reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
