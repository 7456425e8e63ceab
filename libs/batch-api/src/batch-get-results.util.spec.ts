import { describe, expect, it } from 'vitest';
import { toBatchGetResults } from './batch-get-results.util.js';

describe('toBatchGetResults', () => {
  it('wraps each row under the resource key and marks missing ids NOT_FOUND', () => {
    expect(toBatchGetResults('customer', ['2', 'x', '2'], [{ id: '1', n: 1 }, { id: '2', n: 2 }], (row) => ({ id: row.id, shown: `#${row.n}` }))).toEqual([
      { id: '2', customer: { id: '2', shown: '#2' } },
      { id: 'x', error: { code: 'NOT_FOUND', message: 'customer x does not exist' } },
      { id: '2', customer: { id: '2', shown: '#2' } },
    ]);
  });
});
