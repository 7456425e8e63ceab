import { Injectable } from '@nestjs/common';
import { keysetOrderBy, keysetWhere, type BatchResourceSource, type KeysetWindow } from '@tributary/batch-api';
import { rateId, RATES_BASE_CURRENCY } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { OrdersDatabase } from '../database/orders-database.js';
import { Prisma } from '../generated/prisma/client.js';
import type { RateRow, RatesListQueryDto } from './rate.dto.js';
import { parseRateId, type RateKey } from './rate-id.util.js';

type RateFilters = Pick<RatesListQueryDto, 'currency' | 'from' | 'to'>;

/** A rate to write: a day, a currency and its rate as a decimal string. */
export interface RateInput extends RateKey {
  rate: string;
}

/** What writing one batch of rates did. */
export interface RatesWritten {
  inserted: number;
  updated: number;
  unchanged: number;
}

const day = (text: string) => new Date(`${text}T00:00:00Z`);

@Injectable()
export class RatesService implements BatchResourceSource<RateRow, RateFilters> {
  constructor(private readonly db: OrdersDatabase) {}

  /**
   * The rate in effect on each day asked for: of its currency, the latest at or before
   * that day, as the ECB's series carry a rate over weekends and holidays. One statement,
   * an index probe per id on (currency, date). The base currency is 1 on every day and
   * has no rows; an id that names no rate's day (malformed: the controller refuses those
   * first) or a day before the currency's first rate finds nothing.
   */
  async findByIds(ids: readonly string[]): Promise<RateRow[]> {
    const asked = ids.flatMap((id) => {
      const key = parseRateId(id);
      return key ? [{ id, ...key }] : [];
    });
    const base = asked
      .filter((key) => key.currency === RATES_BASE_CURRENCY)
      .map(({ id, date, currency }): RateRow => ({ id, date: day(date), currency, rate: new Prisma.Decimal(1), rateDate: day(date), source: 'base', updatedAt: day(date) }));
    const others = asked.filter((key) => key.currency !== RATES_BASE_CURRENCY);
    if (others.length === 0) return base;
    const found = await this.db.$queryRaw<RateRow[]>`
      SELECT asked.id, asked.day AS date, r.currency, r.rate, r.date AS "rateDate", r.source, r.updated_at AS "updatedAt"
      FROM unnest(${others.map((key) => key.id)}::text[], ${others.map((key) => key.date)}::date[], ${others.map((key) => key.currency)}::text[]) AS asked(id, day, currency)
      CROSS JOIN LATERAL (
        SELECT currency, rate, date, source, updated_at FROM rates
        WHERE rates.currency = asked.currency::char(3) AND rates.date <= asked.day
        ORDER BY rates.date DESC LIMIT 1) r`;
    return [...base, ...found];
  }

  async findPage(window: KeysetWindow, take: number, filters: RateFilters): Promise<RateRow[]> {
    if (filters.from && filters.to && filters.from > filters.to) throw DomainException.invalidField('to', 'to must be the same day as from or later');
    const rows = await this.db.rate.findMany({
      select: { id: true, date: true, currency: true, rate: true, source: true, updatedAt: true },
      where: {
        ...keysetWhere(window),
        currency: filters.currency,
        date: filters.from || filters.to ? { gte: filters.from ? day(filters.from) : undefined, lte: filters.to ? day(filters.to) : undefined } : undefined,
      },
      orderBy: [...keysetOrderBy],
      take,
    });
    return rows.map((row) => ({ ...row, rateDate: row.date }));
  }

  /**
   * Writes rates by (currency, date), all in one statement (its own transaction), and
   * leaves a row untouched where rate and source are what it holds: loading a file again
   * changes no row and no updatedAt. The database stamps updatedAt on what it writes.
   */
  async upsert(rates: readonly RateInput[], source: string): Promise<RatesWritten> {
    if (rates.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const written = await this.db.$queryRaw<Array<{ inserted: boolean }>>`
      INSERT INTO rates (id, date, currency, rate, source)
      SELECT id, date, currency, rate, ${source} FROM unnest(
        ${rates.map((r) => rateId(r.date, r.currency))}::text[], ${rates.map((r) => r.date)}::date[],
        ${rates.map((r) => r.currency)}::text[], ${rates.map((r) => r.rate)}::numeric[]) AS t(id, date, currency, rate)
      ON CONFLICT (id) DO UPDATE SET rate = excluded.rate, source = excluded.source
        WHERE rates.rate IS DISTINCT FROM excluded.rate OR rates.source IS DISTINCT FROM excluded.source
      RETURNING (xmax = 0) AS inserted`;
    const inserted = written.filter((row) => row.inserted).length;
    return { inserted, updated: written.length - inserted, unchanged: rates.length - written.length };
  }
}
