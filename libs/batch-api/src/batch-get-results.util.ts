import type { BatchGetEntry } from '@tributary/contracts';
import { alignByIds } from '@tributary/core';

/** The entry of an id that does not exist. */
export const notFoundEntry = (resourceKey: string, id: string) => ({ id, error: { code: 'NOT_FOUND' as const, message: `${resourceKey} ${id} does not exist` } });

/** Builds the `results` array of a batchGet response (DESIGN.md), each found row as its wire form. */
export function toBatchGetResults<K extends string, Row extends { id: string }, Dto>(
  resourceKey: K,
  ids: readonly string[],
  rows: Iterable<Row>,
  toDto: (row: Row) => Dto,
): Array<BatchGetEntry<K, Dto>> {
  return alignByIds(ids, rows, (row) => row.id).map((row, index) =>
    row === undefined
      ? notFoundEntry(resourceKey, ids[index]!)
      : ({ id: row.id, [resourceKey]: toDto(row) } as { id: string } & { [key in K]: Dto }),
  );
}
