// npm run db:migration:create -- <name>: writes prisma/<database>/migrations/<stamp>_<name>
// for every schema under prisma/ that changed. Needs no database and no native engine.
import { createMigration, schemaFolderOf, schemaNames } from '@tributary/database';

const name = process.argv[2]?.replace(/[^a-z0-9_]/gi, '_') || 'migration';

for (const schema of schemaNames()) {
  const dir = await createMigration(schemaFolderOf(schema), name);
  console.log(dir ? `${schema}: wrote ${dir}` : `${schema}: schema unchanged`);
}
