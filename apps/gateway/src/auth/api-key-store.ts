import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRole, type Role } from './principal.js';

/** What the store keeps of a key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 of the key's secret part, hex. A key is 256 random bits: a fast hash is enough, no salt or stretching needed. */
  sha256: string;
  createdAt: string;
  revokedAt?: string;
}

interface ApiKeyFile {
  version: 1;
  keys: ApiKeyRecord[];
}

/** A key as its holder sends it: `trb_<id>_<secret>`; the id finds the record, the secret proves it. */
const KEY_FORMAT = /^trb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** How often a replica looks at the file for keys created or revoked elsewhere. */
const RELOAD_EVERY_MS = 1000;

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class ApiKeyError extends Error {}

/**
 * API keys in a JSON file, hashed: shared by every gateway replica that mounts it and by
 * `npm run apikey`. A replica notices a key created or revoked by another within a second
 * (it compares the file's modification time), so a revocation needs no restart.
 */
export class ApiKeyStore {
  private keys = new Map<string, ApiKeyRecord>();
  private loadedVersion = '';
  private checkedAt = 0;

  constructor(private readonly file: string) {}

  /** The record of a valid, unrevoked key; null for anything else. */
  verify(presented: string): ApiKeyRecord | null {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    this.reloadIfChanged();
    const record = this.keys.get(match[1]!);
    if (!record || record.revokedAt) return null;
    return timingSafeEqual(Buffer.from(sha256(match[2]!), 'hex'), Buffer.from(record.sha256, 'hex')) ? record : null;
  }

  /** Creates a key; its secret exists only in the returned string, which is shown once. */
  create(name: string, role: Role, now = new Date()): { key: string; record: ApiKeyRecord } {
    if (!/^[\w .@-]{1,64}$/.test(name)) throw new ApiKeyError('name must be 1 to 64 letters, digits, spaces or _ . @ -');
    if (!isRole(role)) throw new ApiKeyError(`role must be one of reporter, exporter, placer, admin; got ${JSON.stringify(role)}`);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = { id, name, role, sha256: sha256(secret), createdAt: now.toISOString() };
    this.write([...this.read().keys, record]);
    return { key: `trb_${id}_${secret}`, record };
  }

  /** Revokes a key by its id or its name; the record stays, for the audit trail. */
  revoke(idOrName: string, now = new Date()): ApiKeyRecord {
    const keys = this.read().keys;
    const matches = keys.filter((key) => !key.revokedAt && (key.id === idOrName || key.name === idOrName));
    if (matches.length === 0) throw new ApiKeyError(`no active key has the id or name ${JSON.stringify(idOrName)}`);
    if (matches.length > 1) throw new ApiKeyError(`${matches.length} active keys are named ${JSON.stringify(idOrName)}: revoke one by its id (${matches.map((key) => key.id).join(', ')})`);
    const revoked = { ...matches[0]!, revokedAt: now.toISOString() };
    this.write(keys.map((key) => (key === matches[0] ? revoked : key)));
    return revoked;
  }

  list(): ApiKeyRecord[] {
    return this.read().keys;
  }

  private reloadIfChanged(): void {
    const now = Date.now();
    if (now - this.checkedAt < RELOAD_EVERY_MS) return;
    this.checkedAt = now;
    const version = this.fileVersion();
    if (version === this.loadedVersion) return;
    this.keys = new Map(this.read().keys.map((key) => [key.id, key]));
    this.loadedVersion = version;
  }

  private fileVersion(): string {
    try {
      const stat = statSync(this.file);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return 'none';
    }
  }

  private read(): ApiKeyFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
      throw error;
    }
    const parsed = JSON.parse(text) as ApiKeyFile;
    if (parsed.version !== 1 || !Array.isArray(parsed.keys)) throw new ApiKeyError(`${this.file} is not an API key store (version 1)`);
    return parsed;
  }

  /** Atomically: a replica reading at the same time sees the old file or the new one, never half of one. */
  private write(keys: ApiKeyRecord[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, keys } satisfies ApiKeyFile, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    this.checkedAt = 0;
  }
}
