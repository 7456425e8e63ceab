import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';

// Node's global, which @types/node does not declare without the DOM lib.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let ready: Promise<void> | undefined;

/**
 * Prisma's schema engine compiled to WebAssembly: migrations without the native binary
 * that the Prisma CLI would download. The package's own entry imports the .wasm file as
 * an ES module, which Node 20 only allows behind --experimental-wasm-modules; this
 * instantiates it by hand instead, so every process can migrate without flags.
 */
function loadEngineOnce(): Promise<void> {
  ready ??= (async () => {
    const packageDir = dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bytes = await readFile(join(packageDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': engineGlue });
    engineGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return ready;
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * Runs `use` with a schema engine on the database of `adapterFactory`, then frees the
 * engine and closes every connection it opened: the engine's connection holds Prisma
 * Migrate's advisory lock until it is closed, and would stall the next migration.
 */
export async function withSchemaEngine<T>(
  schema: { path: string; content: string },
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  use: (engine: engineGlue.SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadEngineOnce();
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => remember(opened, await adapterFactory.connect()),
    connectToShadowDb: async () => remember(opened, await adapterFactory.connectToShadowDb()),
  };
  // The engine logs one JSON line per step; migrations report through their own return value.
  const ignoreEngineLog = () => undefined;
  const engine = await engineGlue.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, ignoreEngineLog, bindMigrationAwareSqlAdapterFactory(tracked));
  try {
    return await use(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

function remember(opened: SqlDriverAdapter[], adapter: SqlDriverAdapter): SqlDriverAdapter {
  opened.push(adapter);
  return adapter;
}
