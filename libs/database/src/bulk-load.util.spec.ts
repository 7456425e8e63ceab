import { describe, expect, it } from 'vitest';
import { withCheckpoints } from './bulk-load.util.js';
import { DatabaseHandle } from './database-handle.js';

describe('withCheckpoints on PGlite', () => {
  it('lets a load write more WAL than PGlite survives without checkpoints (~540 MB)', async () => {
    const handle = DatabaseHandle.open({});
    const adapter = await handle.adapterFactory.connect();
    const sql = (text: string) => adapter.executeRaw({ sql: text, args: [], argTypes: [] });
    try {
      await sql('CREATE TABLE filler (id int, pad text)');
      // 50,000 rows of ~200 bytes write ~13 MB of WAL: 50 batches are ~650 MB.
      const write = withCheckpoints(handle, async (batch: number[]) => {
        await sql(`INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, ${batch.length}) g`);
      }, 10);
      for (let i = 0; i < 50; i++) await write(new Array(50_000).fill(0));
      const result = await adapter.queryRaw({
        sql: `SELECT COUNT(*)::int, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 FROM filler`,
        args: [],
        argTypes: [],
      });
      const [rows, walBytes] = result.rows[0] as [number, number];
      expect(rows).toBe(2_500_000);
      expect(walBytes).toBeGreaterThan(600 * 2 ** 20);
    } finally {
      await adapter.dispose();
      await handle.close();
    }
  }, 120_000);
});
