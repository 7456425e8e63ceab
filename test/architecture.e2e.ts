import { readdirSync } from 'node:fs';
import { projectPath } from '@tributary/database';
import { describe, expect, it } from 'vitest';
import { importGraph } from './support/import-graph.js';

const libs = readdirSync(projectPath('libs'));
const DATABASE_PACKAGES = ['@electric-sql/pglite', '@prisma/client', '@prisma/adapter-pg', '@prisma/driver-adapter-utils', '@prisma/schema-engine-wasm', 'pglite-prisma-adapter', 'pg'];

/** The layout DESIGN.md draws, kept by the compiler's own view of the imports. */
describe('the architecture', () => {
  it('the gateway loads neither PGlite nor Prisma nor any database driver, nor the services’ kit', () => {
    const { files, packages } = importGraph('apps/gateway/src/main.ts');
    expect(files.size).toBeGreaterThan(20);
    expect([...packages.keys()].filter((name) => DATABASE_PACKAGES.includes(name))).toEqual([]);
    expect([...files].filter((file) => file.startsWith('libs/database/') || file.startsWith('libs/service-kit/') || file.startsWith('apps/') && !file.startsWith('apps/gateway/'))).toEqual([]);
  });

  it('while a service does load them, which is what the check above tells apart', () => {
    const { packages } = importGraph('apps/customers/src/main.ts');
    expect(DATABASE_PACKAGES.filter((name) => packages.has(name))).toEqual(expect.arrayContaining(['@electric-sql/pglite', '@prisma/adapter-pg', 'pglite-prisma-adapter']));
  });

  it.each(libs)('libs/%s imports no app', (lib) => {
    const { files } = importGraph(`libs/${lib}/src/index.ts`);
    expect([...files].filter((file) => file.startsWith('apps/'))).toEqual([]);
  });

  it('libs/contracts is plain TypeScript: it imports no package and no other lib', () => {
    const { files, packages } = importGraph('libs/contracts/src/index.ts');
    expect([...packages.keys()]).toEqual([]);
    expect([...files].filter((file) => !file.startsWith('libs/contracts/'))).toEqual([]);
  });

  it('libs/core and libs/database know nothing of the batch API', () => {
    for (const lib of ['core', 'database']) {
      const { files, packages } = importGraph(`libs/${lib}/src/index.ts`);
      expect({ lib, batchApi: [...files].filter((file) => file.startsWith('libs/batch-api/')) }).toEqual({ lib, batchApi: [] });
      expect({ lib, swagger: packages.has('@nestjs/swagger') }).toEqual({ lib, swagger: false });
    }
  });
});
