// Generates the Prisma client of every schema under prisma/<database>/schema.prisma.
// `prisma generate` never runs the native schema engine, but the CLI downloads it
// unless PRISMA_SCHEMA_ENGINE_BINARY names a file: any file will do, and pointing it
// at this script keeps generation working offline. Migrations use the WebAssembly
// engine instead (libs/database).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url), CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const root = fileURLToPath(new URL('..', import.meta.url));
const schemas = readdirSync(`${root}prisma`).filter((name) => existsSync(`${root}prisma/${name}/schema.prisma`)).sort();

for (const name of schemas) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', `${root}prisma/${name}/schema.prisma`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log(`generated the Prisma clients of ${schemas.join(', ')}`);
