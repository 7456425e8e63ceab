/** What reading a horizon needs of a service's Prisma client. */
export interface RawSqlDatabase {
  $queryRawUnsafe<R = unknown>(query: string, ...values: unknown[]): Promise<R>;
}

/**
 * How far an incremental reader may go without ever overtaking a write that has not
 * committed yet. Every service table stamps each row version, in a trigger, first with
 * the transaction that writes it (`xid`, which assigns the transaction its id) and then
 * with `updated_at = clock_timestamp()`, so a version is always stamped after its
 * transaction got its id.
 *
 * - `committedBefore`: every version stamped before it is committed (or rolled back) and
 *   visible to any statement that starts after this read, and every version written
 *   later is stamped at or after it. It is now, or the start of the oldest transaction
 *   of this database that holds an id, when one is open.
 * - `xidHorizon`: the oldest transaction id still running that may write to this
 *   database, read after `committedBefore`: every such transaction below it has ended,
 *   so the rows it wrote can no longer change behind a reader; a transaction that
 *   commits late has an id at or above it. Every version stamped before
 *   `committedBefore` has an id below `xidHorizon`.
 *
 * Lists walk (updatedAt, id) below `committedBefore`; pumps walk (xid, id) below
 * `xidHorizon` and report `committedBefore` as the watermark they delivered up to.
 * Both hold on PGlite, which runs one transaction at a time, and on PostgreSQL.
 *
 * On PostgreSQL, a role without pg_read_all_stats sees the `xact_start` of its own
 * sessions only: a service's writers and readers must share its role.
 */
export interface WriteHorizon {
  committedBefore: Date;
  xidHorizon: string;
}

/**
 * `committedBefore` alone: what a list page needs. The clock is read before the open
 * transactions are (the subquery refers to it, so it runs after), and the result is
 * rounded as `updated_at` itself is (timestamptz(3)): rounding keeps the order, so a
 * version stamped at or after this instant is never rounded below it.
 */
export async function readCommittedBefore(db: RawSqlDatabase): Promise<Date> {
  const [row] = await db.$queryRawUnsafe<Array<{ committed_before: Date }>>(
    `WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now)
     SELECT LEAST(clock.now, (SELECT min(activity.xact_start) FROM pg_stat_activity activity
                              WHERE activity.backend_xid IS NOT NULL AND activity.datname = current_database()
                                AND activity.pid <> pg_backend_pid() AND activity.xact_start <= clock.now))::timestamptz(3) AS committed_before
     FROM clock`,
  );
  return row!.committed_before;
}

/**
 * Both bounds, in two statements: the id horizon comes from a snapshot taken after
 * `committedBefore` was read.
 *
 * Transaction ids are counted across the whole server, so the snapshot's own xmin would
 * let a long transaction in another database (another service sharing the server, a
 * job queue's) hold back every pump here. The transactions that the server says run in
 * another database are left out: those cannot write here. Any other id still running
 * when the statement's snapshot was taken counts, including one whose database is not
 * known (a session that ended since, a background worker), so the horizon never
 * overtakes a write of this database. pg_stat_activity shows every session's
 * `backend_xid` and database to any role.
 */
export async function readWriteHorizon(db: RawSqlDatabase): Promise<WriteHorizon> {
  const committedBefore = await readCommittedBefore(db);
  const [row] = await db.$queryRawUnsafe<Array<{ xid_horizon: string }>>(
    `SELECT LEAST(pg_snapshot_xmax(current.snapshot), (
       SELECT min(running) FROM pg_snapshot_xip(current.snapshot) running
       WHERE xid(running) NOT IN (
         SELECT activity.backend_xid FROM pg_stat_activity activity
         WHERE activity.backend_xid IS NOT NULL AND activity.datname <> current_database()
         UNION ALL
         SELECT prepared.transaction FROM pg_prepared_xacts prepared WHERE prepared.database <> current_database())))::text AS xid_horizon
     FROM (SELECT pg_current_snapshot() AS snapshot) current`,
  );
  return { committedBefore, xidHorizon: row!.xid_horizon };
}

/**
 * The session setting that lets a bulk load keep the `updated_at` it writes (seeding two
 * years of history, a test's fixtures). Such a load is outside the lists' guarantee: run
 * it before readers start, as seeding does.
 */
export const KEEP_UPDATED_AT = `SET LOCAL tributary.keep_updated_at = 'on'`;
