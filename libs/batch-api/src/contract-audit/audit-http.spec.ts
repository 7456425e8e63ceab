import { describe, expect, it } from 'vitest';
import { singularOf } from './audit-context.js';
import { namedFields, namesField, problemMismatch, type AuditResponse } from './audit-http.js';

const response = (status: number, contentType: string, json: unknown): AuditResponse => ({ method: 'GET', path: '/v1/widgets', status, contentType, text: JSON.stringify(json), json });

describe('the fields a problem names', () => {
  it('reads this contract’s errors[].field, RFC 9457’s errors[].pointer and RFC 7807’s invalid-params[].name', () => {
    expect(namedFields({ errors: [{ field: 'ids[3]', message: '…' }] })).toEqual(['ids[3]']);
    expect(namedFields({ errors: [{ detail: '…', pointer: '#/ids/3' }] })).toEqual(['ids.3']);
    expect(namedFields({ 'invalid-params': [{ name: 'pageSize', reason: '…' }] })).toEqual(['pageSize']);
    expect(namedFields({ detail: 'no list' })).toEqual([]);
    expect(namedFields('not a problem')).toEqual([]);
  });

  it('a field is named by itself or by a path inside it, not by a field that only starts alike', () => {
    expect(namesField(['ids[0]'], 'ids')).toBe(true);
    expect(namesField(['ids.0'], 'ids')).toBe(true);
    expect(namesField(['ids'], 'ids')).toBe(true);
    expect(namesField(['idsExtra'], 'ids')).toBe(false);
  });
});

describe('problemMismatch', () => {
  const problem = { type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'pageSize', message: 'must not be negative' }] };

  it('is undefined for the problem asked for', () => {
    expect(problemMismatch(response(400, 'application/problem+json', problem), { status: 400, fields: ['pageSize'] })).toBeUndefined();
  });

  it('says what differs: the status, the media type, a field not named', () => {
    expect(problemMismatch(response(500, 'text/html', undefined), { status: 400 })).toMatch(/answered 500 \(text\/html.*, not 400$/);
    expect(problemMismatch(response(400, 'application/json', problem), { status: 400 })).toMatch(/an error must be application\/problem\+json$/);
    expect(problemMismatch(response(400, 'application/problem+json', problem), { status: 400, fields: ['pageSize', 'updatedSince'] })).toMatch(/does not name updatedSince \(it names pageSize\)$/);
  });
});

describe('singularOf', () => {
  it('makes the key of a batchGet entry from the plural', () => {
    expect(['customers', 'orders', 'products', 'categories', 'addresses', 'boxes', 'news'].map(singularOf)).toEqual(['customer', 'order', 'product', 'category', 'address', 'box', 'new']);
  });
});
