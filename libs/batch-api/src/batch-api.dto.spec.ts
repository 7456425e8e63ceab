import { describe, expect, it } from 'vitest';
import { BatchGetRequestDto, ListQueryDto } from './batch-api.dto.js';
import { DomainException } from '@tributary/core';
import { createValidationPipe } from './validation.util.js';

const pipe = createValidationPipe();

async function violationsOf(metatype: typeof BatchGetRequestDto | typeof ListQueryDto, value: unknown, type: 'body' | 'query' = 'body') {
  try {
    await pipe.transform(value, { type, metatype });
  } catch (error) {
    if (error instanceof DomainException) return error.violations;
    throw error;
  }
  return [];
}

describe('BatchGetRequestDto', () => {
  it('takes 1 to 1000 ids', async () => {
    expect(await violationsOf(BatchGetRequestDto, { ids: ['a'] })).toEqual([]);
    expect(await violationsOf(BatchGetRequestDto, { ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) })).toEqual([]);
  });

  it('names the field and the limit of every violation', async () => {
    expect(await violationsOf(BatchGetRequestDto, { ids: [] })).toEqual([{ field: 'ids', message: 'ids must contain at least 1 elements' }]);
    expect(await violationsOf(BatchGetRequestDto, { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) })).toEqual([
      { field: 'ids', message: 'ids must contain no more than 1000 elements' },
    ]);
    expect(await violationsOf(BatchGetRequestDto, { ids: ['ok', ''] })).toEqual([{ field: 'ids', message: 'each value in ids should not be empty' }]);
    expect(await violationsOf(BatchGetRequestDto, { ids: ['a'], more: true })).toEqual([{ field: 'more', message: 'property more should not exist' }]);
  });
});

describe('ListQueryDto', () => {
  it('turns query strings into numbers and refuses what is not a count or an instant', async () => {
    const query = (await pipe.transform({ pageSize: '25', updatedSince: '2026-01-01T00:00:00Z' }, { type: 'query', metatype: ListQueryDto })) as ListQueryDto;
    expect(query.pageSize).toBe(25);
    expect(await violationsOf(ListQueryDto, { pageSize: '-1' }, 'query')).toEqual([{ field: 'pageSize', message: 'pageSize must not be less than 0' }]);
    expect(await violationsOf(ListQueryDto, { pageSize: 'many' }, 'query')).toContainEqual({ field: 'pageSize', message: 'pageSize must be an integer' });
    expect(await violationsOf(ListQueryDto, { updatedSince: '01/02/2026' }, 'query')).toEqual([
      { field: 'updatedSince', message: 'updatedSince must be an ISO-8601 date-time such as 2026-01-31T00:00:00Z' },
    ]);
  });
});
