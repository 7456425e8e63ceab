import { Injectable } from '@nestjs/common';
import { keysetOrderBy, keysetWhere, type BatchResourceSource, type KeysetWindow } from '@tributary/batch-api';
import { DomainException } from '@tributary/core';
import { uniqueOrThrow } from '@tributary/database';
import { uuidv7 } from 'uuidv7';
import { CustomersDatabase } from '../database/customers-database.js';
import { type Customer } from '../generated/prisma/client.js';
import type { CreateCustomerDto, UpdateCustomerDto } from './customer.dto.js';

@Injectable()
export class CustomersService implements BatchResourceSource<Customer> {
  constructor(private readonly db: CustomersDatabase) {}

  /** By `id = ANY(array)`: Prisma's `in` sends one parameter per id, which took twice the CPU for 700 ids. */
  findByIds(ids: readonly string[]): Promise<Customer[]> {
    return this.db.$queryRaw<Customer[]>`
      SELECT id, name, email, country, created_at AS "createdAt", updated_at AS "updatedAt" FROM customers WHERE id = ANY(${[...ids]}::text[])`;
  }

  findPage(window: KeysetWindow, take: number): Promise<Customer[]> {
    return this.db.customer.findMany({ where: keysetWhere(window), orderBy: [...keysetOrderBy], take });
  }

  /** updatedAt is the database's to stamp, on every write (see WriteHorizon). */
  async create(input: CreateCustomerDto): Promise<Customer> {
    return uniqueOrThrow('email', input.email, 'customer', () =>
      this.db.customer.create({ data: { id: uuidv7(), ...input, country: input.country.toUpperCase(), createdAt: new Date() } }),
    );
  }

  async update(id: string, changes: UpdateCustomerDto): Promise<Customer> {
    const data = { ...changes, ...(changes.country ? { country: changes.country.toUpperCase() } : {}) };
    const updated = await uniqueOrThrow('email', changes.email, 'customer', () => this.db.customer.updateManyAndReturn({ where: { id }, data }));
    if (!updated[0]) throw DomainException.notFound('customer', id);
    return updated[0];
  }
}
