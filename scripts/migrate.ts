// npm run db:migrate: applies pending migrations to every database that has a schema
// under prisma/, as configured by the same environment the apps read (PGlite under
// .data/ by default).
import { applyMigrations, DatabaseHandle, schemaFolderOf, schemaNames } from '@tributary/database';
import { databaseLocationFromEnv } from '@tributary/service-kit';

for (const name of schemaNames()) {
  const handle = DatabaseHandle.open(databaseLocationFromEnv(name));
  try {
    const applied = await applyMigrations(schemaFolderOf(name), handle.adapterFactory);
    console.log(`${name}: ${handle.description}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } finally {
    await handle.close();
  }
}
// The WASM schema engine leaves a 10 s idle timer behind; nothing else is pending.
process.exit(0);
