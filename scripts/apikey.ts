// npm run apikey -- create --role reporter --name dashboard   (prints the key, once)
// npm run apikey -- list
// npm run apikey -- revoke <id or name>
// The gateway's API keys, in its key store (API_KEYS_FILE, default .data/gateway/api-keys.json):
// running gateways see a new or revoked key within a second, without a restart.
import { parseArgs } from 'node:util';
import { ApiKeyError, ApiKeyStore } from '../apps/gateway/src/auth/api-key-store.js';
import { authConfigFromEnv } from '../apps/gateway/src/auth/auth.config.js';
import { isRole, ROLES } from '../apps/gateway/src/auth/principal.js';

const USAGE = `npm run apikey -- create --role <${ROLES.join('|')}> --name <name> | list | revoke <id or name>`;

function fail(message: string, status = 2): never {
  console.error(`${message}\nusage: ${USAGE}`);
  process.exit(status);
}

const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { role: { type: 'string' }, name: { type: 'string' } }, allowPositionals: true, strict: true });
const store = new ApiKeyStore(authConfigFromEnv(process.env, process.env.NODE_ENV !== 'production').apiKeysFile);
const [command, argument] = positionals;

try {
  if (command === 'create') {
    if (!values.name) fail('--name is required: who or what will use the key (dashboard, bi-nightly, …)');
    if (!isRole(values.role)) fail(`--role must be one of ${ROLES.join(', ')}${values.role ? `, got ${JSON.stringify(values.role)}` : ''}`);
    const { key, record } = store.create(values.name, values.role);
    console.log(key);
    console.error(`created key ${record.id} "${record.name}" with the role ${record.role}. This is the only time it is shown: send it as "Authorization: Bearer <key>".`);
  } else if (command === 'list') {
    for (const key of store.list()) console.log([key.id, key.role.padEnd(8), key.revokedAt ? `revoked ${key.revokedAt}` : `active since ${key.createdAt}`, key.name].join('  '));
  } else if (command === 'revoke') {
    if (!argument) fail('revoke needs the id or the name of a key (npm run apikey -- list)');
    const revoked = store.revoke(argument);
    console.log(`revoked key ${revoked.id} "${revoked.name}" (${revoked.role}); gateways refuse it within a second`);
  } else {
    fail(command ? `unknown command ${JSON.stringify(command)}` : 'a command is required');
  }
} catch (error) {
  if (error instanceof ApiKeyError) fail(error.message, 1);
  throw error;
}
