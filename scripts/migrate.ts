// npm run db:migrate: applies pending migrations to every service's database, as
// configured by the same environment the services read (PGlite under .data/ by default).
import { applyMigrations, DatabaseHandle, schemaFolderOf } from '@tributary/database';
import { serviceConfigFromEnv, SERVICE_PORTS, type ServiceName } from '@tributary/service-kit';

for (const service of Object.keys(SERVICE_PORTS) as ServiceName[]) {
  const handle = DatabaseHandle.open(serviceConfigFromEnv(service).database);
  try {
    const applied = await applyMigrations(schemaFolderOf(service), handle.adapterFactory);
    console.log(`${service}: ${handle.description}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } finally {
    await handle.close();
  }
}
// The WASM schema engine leaves a 10 s idle timer behind; nothing else is pending.
process.exit(0);
