// npm run db:migration:create -- <name>: writes prisma/<service>/migrations/<stamp>_<name>
// for every service whose schema.prisma changed. Needs no database and no native engine.
import { createMigration, schemaFolderOf } from '@tributary/database';

const SERVICES = ['customers', 'orders', 'catalog'] as const;
const name = process.argv[2]?.replace(/[^a-z0-9_]/gi, '_') || 'migration';

for (const service of SERVICES) {
  const dir = await createMigration(schemaFolderOf(service), name);
  console.log(dir ? `${service}: wrote ${dir}` : `${service}: schema unchanged`);
}
