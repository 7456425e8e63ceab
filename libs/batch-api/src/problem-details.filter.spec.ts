import { HttpException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { toProblemDetails } from './problem-details.filter.js';
import { DomainException } from '@tributary/core';

describe('toProblemDetails', () => {
  it('maps an invalid argument to 400 with every field named', () => {
    const details = toProblemDetails(DomainException.invalidArgument([{ field: 'ids', message: 'ids must contain no more than 1000 elements' }]));
    expect(details).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', errors: [{ field: 'ids', message: 'ids must contain no more than 1000 elements' }] });
  });

  it('maps NOT_FOUND to 404', () => {
    expect(toProblemDetails(DomainException.notFound('customer', 'c1'))).toMatchObject({ status: 404, detail: 'customer c1 does not exist' });
  });

  it('names the limit of an oversized body and answers 400', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit: 1024 });
    expect(toProblemDetails(tooLarge)).toMatchObject({ status: 400, code: 'PAYLOAD_TOO_LARGE', errors: [{ field: 'body', message: expect.stringContaining('1024 bytes') }] });
  });

  it('unwraps the body-parser error that Nest wrapped in an HttpException', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit: 2048 });
    const wrapped = new HttpException('request entity too large', 413, { cause: tooLarge });
    expect(toProblemDetails(wrapped)).toMatchObject({ status: 400, code: 'PAYLOAD_TOO_LARGE', detail: expect.stringContaining('2048 bytes') });
  });

  it('answers 400 for a body that is not JSON', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(toProblemDetails(parse)).toMatchObject({ status: 400, errors: [{ field: 'body' }] });
  });

  it('maps an unknown route to 404 and hides unexpected errors behind a 500', () => {
    expect(toProblemDetails(new NotFoundException('Cannot GET /nope'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(toProblemDetails(new TypeError('x is undefined'))).toMatchObject({ status: 500, detail: expect.not.stringContaining('x is undefined') });
  });
});
