/** Reports seeding progress: rows of `what` written so far, out of `total`. */
export type SeedProgress = (what: string, done: number, total: number) => void;

/** Progress as log lines, at most one per tenth of each kind of row, so that output stays readable. */
export function progressByTenths(log: (line: string) => void): SeedProgress {
  const lastTenth = new Map<string, number>();
  return (what, done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (lastTenth.get(what) === tenth) return;
    lastTenth.set(what, tenth);
    log(`seeding ${what}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} (${tenth * 10}%)`);
  };
}

/** Writes items in batches of `size`, reporting progress after each batch; holds one batch at a time. */
export async function writeInBatches<T>(
  what: string,
  items: Iterable<T>,
  total: number,
  size: number,
  write: (batch: T[]) => Promise<void>,
  progress: SeedProgress,
): Promise<void> {
  let batch: T[] = [];
  let done = 0;
  progress(what, 0, total);
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      await write(batch);
      done += batch.length;
      progress(what, done, total);
      batch = [];
    }
  }
  if (batch.length) {
    await write(batch);
    progress(what, done + batch.length, total);
  }
}
