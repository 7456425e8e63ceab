import { describe, expect, it } from 'vitest';
import { readOnlyRefusal } from './read-only-sql.util.js';

describe('readOnlyRefusal', () => {
  it.each([
    'select * from reporting_v1.sales limit 5',
    "SELECT category, sum(revenue_cents) FROM reporting_v1.sales WHERE placed_at >= '2026-01-01' GROUP BY 1;",
    'WITH m AS (SELECT 1) SELECT * FROM m',
    'EXPLAIN SELECT 1',
    'SHOW server_version',
    "select 'a;b; commit' as text -- a comment; set role\n",
    'select $$ set_config( $$',
  ])('lets a read run: %s', (sql) => {
    expect(readOnlyRefusal(sql)).toBeUndefined();
  });

  it.each([
    ['COMMIT', /not COMMIT$/],
    ['RESET ROLE', /not RESET$/],
    ['set role postgres', /not SET$/],
    ['insert into reporting_store.orders values (1)', /not INSERT$/],
    ['select 1; drop table reporting_store.orders', /one statement at a time/],
    ["select set_config('role', 'none', false)", /set_config is not available/],
    ['select pg_sleep(100)', /pg_sleep is not available/],
    ['select pg_advisory_lock(1)', /pg_advisory_lock is not available/],
  ])('refuses %s', (sql, reason) => {
    expect(readOnlyRefusal(sql)).toMatch(reason);
  });
});
