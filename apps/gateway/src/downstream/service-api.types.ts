/** One entry of a batchGet response: the resource under its key, or NOT_FOUND. */
export type BatchGetEntry<K extends string, T> = { id: string } & ({ [key in K]: T } | { error: { code: string; message: string } });

export interface BatchGetResponse<K extends string, T> {
  results: Array<BatchGetEntry<K, T>>;
}

export type ListPage<K extends string, T> = { [key in K]: T[] } & { nextPageToken?: string };
