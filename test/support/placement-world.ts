import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { FINAL_PLACEMENT_STATES, type OrderPlacement, type OrderPlacementRequest, type Product, type StockLevel, type StockReservation } from '@tributary/contracts';
import { FaultProxy, startService, type ServiceUnderTest, type TestDatabases } from '@tributary/testing';
import { catalogService } from '../../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../../apps/customers/src/customers-app.module.js';

/** A real service on a loopback port. */
export interface ListeningService extends ServiceUnderTest {
  url: string;
}

export async function listening(service: Promise<ServiceUnderTest>): Promise<ListeningService> {
  const started = await service;
  await started.app.listen(0, '127.0.0.1');
  return { ...started, url: `http://127.0.0.1:${(started.app.getHttpServer().address() as AddressInfo).port}` };
}

export async function call<T>(url: string, method: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The customers and catalog services, each behind a fault proxy, with helpers to make
 * products with stock and customers, and to check the placement invariants over HTTP.
 */
export class PlacementWorld {
  /** The stock each product was created with. */
  readonly initialStock = new Map<string, number>();
  private next = 0;

  private constructor(
    readonly customers: ListeningService,
    readonly catalog: ListeningService,
    readonly customersProxy: FaultProxy,
    readonly catalogProxy: FaultProxy,
  ) {}

  static async start(databases: TestDatabases): Promise<PlacementWorld> {
    const [customers, catalog] = await Promise.all([listening(startService(customersService, databases)), listening(startService(catalogService, databases))]);
    const [customersProxy, catalogProxy] = await Promise.all([FaultProxy.start(customers.url), FaultProxy.start(catalog.url)]);
    return new PlacementWorld(customers, catalog, customersProxy, catalogProxy);
  }

  async close(): Promise<void> {
    await Promise.all([this.customersProxy.close(), this.catalogProxy.close()]);
    await Promise.all([this.customers.close(), this.catalog.close()]);
  }

  async product(stockOnHand: number, priceCents = 1250, currency = 'EUR'): Promise<Product> {
    const n = ++this.next;
    const created = await call<Product>(`${this.catalog.url}/v1/products`, 'POST', { sku: `PLACE-${process.pid}-${n}`, title: `Placement product ${n}`, category: 'Test', priceCents, currency });
    expect(created.status).toBe(201);
    expect((await call(`${this.catalog.url}/v1/stockLevels/${created.body.id}`, 'PUT', { stockOnHand })).status).toBe(200);
    this.initialStock.set(created.body.id, stockOnHand);
    return created.body;
  }

  async customer(): Promise<string> {
    const n = ++this.next;
    const created = await call<{ id: string }>(`${this.customers.url}/v1/customers`, 'POST', { name: `Placer ${n}`, email: `placer-${process.pid}-${n}@example.com`, country: 'DE' });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async levels(productIds: readonly string[]): Promise<StockLevel[]> {
    const answer = await call<{ results: Array<{ stockLevel: StockLevel }> }>(`${this.catalog.url}/v1/stockLevels:batchGet`, 'POST', { ids: productIds });
    return answer.body.results.map((entry) => entry.stockLevel);
  }

  async reservation(id: string): Promise<StockReservation | undefined> {
    const answer = await call<StockReservation>(`${this.catalog.url}/v1/stockReservations/${id}`, 'GET');
    return answer.status === 404 ? undefined : answer.body;
  }

  /**
   * The invariants every fault must leave intact, once every placement has ended: each
   * product's initial stock is on hand + reserved + committed, nothing stays reserved,
   * every confirmed placement has a PLACED order at catalog prices and a committed
   * reservation of the same lines, and no other placement has either.
   */
  async expectInvariants(ordersUrl: string, placements: readonly OrderPlacement[]): Promise<void> {
    const ids = [...this.initialStock.keys()];
    for (const level of await this.levels(ids)) {
      expect(level.stockOnHand + level.reserved + level.committed, `stock of ${level.productId}`).toBe(this.initialStock.get(level.productId));
      expect(level.reserved, `units still reserved of ${level.productId}`).toBe(0);
    }
    for (const placement of placements) {
      expect(FINAL_PLACEMENT_STATES).toContain(placement.state);
      const reservation = await this.reservation(placement.id);
      const order = placement.orderId ? (await call<{ status: string; lines: Array<{ productId: string; quantity: number }> }>(`${ordersUrl}/v1/orders/${placement.orderId}`, 'GET')).body : undefined;
      if (placement.state === 'CONFIRMED') {
        expect(reservation?.state).toBe('COMMITTED');
        expect(order?.status).toBe('PLACED');
        const sold = placement.lines.map(({ productId, quantity }) => ({ productId, quantity }));
        expect(reservation!.lines).toEqual(sold);
        expect(order!.lines.map(({ productId, quantity }) => ({ productId, quantity }))).toEqual(sold);
      } else {
        expect(reservation?.state ?? 'NONE', `reservation of ${placement.state} placement ${placement.id}`).not.toBe('COMMITTED');
        if (order) expect(order.status).toBe('CANCELLED');
      }
    }
  }
}

/** Sends placement requests and follows them to their end. */
export class Placer {
  constructor(readonly ordersUrl: string) {}

  request(body: OrderPlacementRequest): Promise<{ status: number; body: OrderPlacement }> {
    return call<OrderPlacement>(`${this.ordersUrl}/v1/orderPlacements`, 'POST', body);
  }

  async place(body: OrderPlacementRequest): Promise<OrderPlacement> {
    const answer = await this.request(body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body;
  }

  /** The placement once it has ended. */
  async settled(id: string, seconds = 60): Promise<OrderPlacement> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const { body } = await call<OrderPlacement>(`${this.ordersUrl}/v1/orderPlacements/${id}?waitSeconds=5`, 'GET');
      if (FINAL_PLACEMENT_STATES.includes(body.state) || Date.now() > until) return body;
    }
  }

  /** The placement once `predicate` holds (checked every 50 ms). */
  async until(id: string, predicate: (placement: OrderPlacement) => boolean, seconds = 30): Promise<OrderPlacement> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const { body } = await call<OrderPlacement>(`${this.ordersUrl}/v1/orderPlacements/${id}`, 'GET');
      if (predicate(body)) return body;
      if (Date.now() > until) throw new Error(`placement ${id} is still ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
