/**
 * Lines up rows with the ids that were asked for: one slot per requested id, in the
 * requested order, duplicates repeated, `undefined` where no row has that id. Rows
 * come back from SQL in any order, so matching is by id, never by position.
 */
export function alignByIds<T>(
  ids: readonly string[],
  rows: Iterable<T>,
  idOf: (row: T) => string,
): Array<T | undefined> {
  const byId = new Map<string, T>();
  for (const row of rows) byId.set(idOf(row), row);
  return ids.map((id) => byId.get(id));
}

/** The same, for one-to-many lookups: every requested key gets its (possibly empty) group. */
export function groupByKeys<T>(
  keys: readonly string[],
  rows: Iterable<T>,
  keyOf: (row: T) => string,
): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

