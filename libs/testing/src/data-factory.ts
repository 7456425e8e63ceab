import type { Currency, Customer, Order, OrderLine, OrderStatus, Product } from '@tributary/contracts';

export interface LineSpec {
  product: Product;
  quantity?: number;
  /** The product's price when absent. */
  unitPriceCents?: number;
}

export interface OrderSpec {
  customer: Customer;
  lines: LineSpec[];
  currency?: Currency;
  status?: OrderStatus;
  placedAt?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Wire-contract rows for tests, one consistent small world: ids and instants are
 * deterministic per factory, totals follow from the lines, and anything can be
 * overridden to build the edge cases that seeded demo data never has (a customer
 * ordering in two currencies, a line whose product is gone).
 */
export class DataFactory {
  private next = 0;

  constructor(private readonly epoch = Date.parse('2026-01-01T00:00:00Z')) {}

  private id(kind: string): string {
    return `${kind}-${String(++this.next).padStart(4, '0')}`;
  }

  private instant(): string {
    return iso(this.epoch + this.next * 60_000);
  }

  customer(overrides: Partial<Customer> = {}): Customer {
    const id = overrides.id ?? this.id('customer');
    return { id, name: `Customer ${id}`, email: `${id}@example.org`, country: 'DE', createdAt: this.instant(), updatedAt: this.instant(), ...overrides };
  }

  product(overrides: Partial<Product> = {}): Product {
    const id = overrides.id ?? this.id('product');
    return { id, sku: `SKU-${id.toUpperCase()}`, title: `Product ${id}`, category: 'Books', priceCents: 1000, currency: 'EUR', updatedAt: this.instant(), ...overrides };
  }

  order({ customer, lines, currency = 'EUR', status = 'SHIPPED', placedAt }: OrderSpec, overrides: Partial<Order> = {}): Order {
    const id = overrides.id ?? this.id('order');
    const orderLines: OrderLine[] = lines.map((line, index) => ({
      lineNo: index + 1,
      productId: line.product.id,
      quantity: line.quantity ?? 1,
      unitPriceCents: line.unitPriceCents ?? line.product.priceCents,
    }));
    const at = placedAt ?? this.instant();
    return {
      id,
      customerId: customer.id,
      placedAt: at,
      status,
      currency,
      totalCents: orderLines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
      units: orderLines.reduce((sum, line) => sum + line.quantity, 0),
      updatedAt: at,
      lines: orderLines,
      ...overrides,
    };
  }

  /** A customer who moved from Germany to the UK: orders in EUR, then in GBP. */
  customerWithOrdersInTwoCurrencies(product: Product): { customer: Customer; orders: Order[] } {
    const customer = this.customer({ country: 'GB' });
    const orders = [
      this.order({ customer, currency: 'EUR', lines: [{ product, quantity: 2, unitPriceCents: 1500 }] }),
      this.order({ customer, currency: 'GBP', lines: [{ product, quantity: 1, unitPriceCents: 1300 }] }),
    ];
    return { customer, orders };
  }
}
