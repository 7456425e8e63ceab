import DataLoader from 'dataloader';

/**
 * A per-request loader of one entity type: the references of one `_entities` call
 * become a single `findByIds`, and the rows come back aligned with the ids, null
 * where none exists (the gateway then answers null for that entity).
 */
export function entityLoader<T extends { id: string }>(findByIds: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await findByIds([...ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
