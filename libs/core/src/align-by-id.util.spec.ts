import { describe, expect, it } from 'vitest';
import { alignByIds, groupByKeys } from './align-by-id.util.js';

describe('alignByIds', () => {
  it('follows the requested order, repeats duplicates and leaves gaps for missing ids', () => {
    const rows = [{ id: 'b' }, { id: 'a' }];
    expect(alignByIds(['a', 'x', 'b', 'a'], rows, (r) => r.id)).toEqual([{ id: 'a' }, undefined, { id: 'b' }, { id: 'a' }]);
  });
});

describe('groupByKeys', () => {
  it('gives every key its group, empty where no row matches', () => {
    const rows = [{ k: 'b', n: 1 }, { k: 'a', n: 2 }, { k: 'b', n: 3 }];
    expect(groupByKeys(['a', 'b', 'c'], rows, (r) => r.k)).toEqual([[{ k: 'a', n: 2 }], [{ k: 'b', n: 1 }, { k: 'b', n: 3 }], []]);
  });
});
