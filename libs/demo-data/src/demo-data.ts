import { EntityRandom, SkewedPicker } from './random.util.js';

/** The shape and seed of a demo data set. Equal specs give equal data, row for row. */
export interface DemoDataSpec {
  customers: number;
  products: number;
  orders: number;
  seed: number;
  /** The end of the two years over which orders are spread. */
  until: Date;
}

export const DEFAULT_DEMO_DATA: DemoDataSpec = {
  customers: 1000,
  products: 200,
  orders: 10_000,
  seed: 42,
  until: new Date('2026-11-01T00:00:00Z'),
};

export interface DemoCustomer {
  id: string;
  name: string;
  email: string;
  country: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DemoProduct {
  id: string;
  sku: string;
  title: string;
  category: string;
  priceCents: number;
  currency: string;
  updatedAt: Date;
}

export type DemoOrderStatus = 'PLACED' | 'PAID' | 'SHIPPED' | 'CANCELLED';

export interface DemoOrderLine {
  lineNo: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface DemoOrder {
  id: string;
  customerId: string;
  placedAt: Date;
  status: DemoOrderStatus;
  currency: string;
  totalCents: number;
  updatedAt: Date;
  lines: DemoOrderLine[];
}

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

const FIRST_NAMES = ['Ada', 'Alan', 'Amara', 'Bruno', 'Chen', 'Clara', 'Daniel', 'Elif', 'Emma', 'Farah', 'Felix', 'Grace', 'Hugo', 'Ines', 'Ivan', 'Jonas', 'Julia', 'Kenji', 'Lea', 'Liam', 'Lucia', 'Marta', 'Mateo', 'Mia', 'Nora', 'Olga', 'Omar', 'Paul', 'Priya', 'Rosa', 'Sami', 'Sofia', 'Tomas', 'Yara', 'Zoe'];
const LAST_NAMES = ['Alvarez', 'Bauer', 'Bianchi', 'Brown', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski', 'Lambert', 'Meyer', 'Moreau', 'Nakamura', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Silva', 'Smith', 'Tanaka', 'Vogel', 'Weber', 'Wilson', 'Yilmaz', 'Zhang'];
/** Country, weight, and the currency its orders are charged in. */
const COUNTRIES = [['DE', 24, 'EUR'], ['FR', 16, 'EUR'], ['GB', 14, 'GBP'], ['US', 18, 'USD'], ['NL', 8, 'EUR'], ['ES', 8, 'EUR'], ['IT', 7, 'EUR'], ['PL', 5, 'EUR']] as const;
const CURRENCY_OF_COUNTRY: Record<string, string> = Object.fromEntries(COUNTRIES.map(([country, , currency]) => [country, currency]));
/** The catalogue is priced in EUR; other currencies at fixed demo rates. */
export const RATE_FROM_EUR: Readonly<Record<string, number>> = { EUR: 1, GBP: 0.86, USD: 1.08 };
const CATEGORIES = ['Books', 'Electronics', 'Garden', 'Grocery', 'Home', 'Kitchen', 'Music', 'Office', 'Outdoors', 'Pets', 'Sports', 'Toys'];
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Essential', 'Handmade', 'Light', 'Modern', 'Portable', 'Premium', 'Smart', 'Vintage'];
const NOUNS = ['Backpack', 'Blender', 'Bottle', 'Camera', 'Chair', 'Headphones', 'Kettle', 'Lamp', 'Notebook', 'Planter', 'Speaker', 'Tent', 'Towel', 'Watch'];

/** Customers sign up over the year before the two years of orders, and during them. */
function customerCreatedAt(spec: DemoDataSpec, index: number): Date {
  const start = spec.until.getTime() - 3 * YEAR;
  return new Date(start + Math.floor((index / Math.max(1, spec.customers)) * 2.5 * YEAR));
}

export function demoCustomer(spec: DemoDataSpec, index: number): DemoCustomer {
  const random = new EntityRandom(spec.seed, 'customer', index);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const country = random.weighted(COUNTRIES.map(([c, w]) => [c, w] as const));
  const createdAt = customerCreatedAt(spec, index);
  return {
    id: random.uuidv7(createdAt),
    name: `${first} ${last}`,
    email: `${first}.${last}.${index}@example.com`.toLowerCase(),
    country,
    createdAt,
    updatedAt: new Date(Math.min(spec.until.getTime(), createdAt.getTime() + random.int(0, 400) * DAY)),
  };
}

export function demoProduct(spec: DemoDataSpec, index: number): DemoProduct {
  const random = new EntityRandom(spec.seed, 'product', index);
  const createdAt = new Date(spec.until.getTime() - 3 * YEAR + index * 1000);
  // Log-uniform prices from 1.99 to 499.99.
  const priceCents = Math.round(199 * (49999 / 199) ** random.next());
  return {
    id: random.uuidv7(createdAt),
    sku: `SKU-${String(index + 1).padStart(6, '0')}`,
    title: `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${index + 1}`,
    category: random.pick(CATEGORIES),
    priceCents,
    currency: 'EUR',
    updatedAt: new Date(createdAt.getTime() + random.int(0, 700) * DAY),
  };
}

/**
 * Generates a whole data set lazily, entity by entity, so that seeding a million
 * orders holds one batch in memory at a time.
 */
export class DemoDataSet {
  private readonly customerPicker: SkewedPicker;
  private readonly productPicker: SkewedPicker;
  private readonly customerCache = new Map<number, DemoCustomer>();
  private readonly productCache = new Map<number, DemoProduct>();

  constructor(readonly spec: DemoDataSpec) {
    // The busiest tenth of customers places about 45% of orders while a long tail
    // orders once or never; sales concentrate on best-selling products alike.
    this.customerPicker = new SkewedPicker(Math.max(1, spec.customers), 6);
    this.productPicker = new SkewedPicker(Math.max(1, spec.products), 4);
  }

  *customers(): Generator<DemoCustomer> {
    for (let i = 0; i < this.spec.customers; i++) yield demoCustomer(this.spec, i);
  }

  *products(): Generator<DemoProduct> {
    for (let i = 0; i < this.spec.products; i++) yield demoProduct(this.spec, i);
  }

  *orders(): Generator<DemoOrder> {
    for (let i = 0; i < this.spec.orders; i++) yield this.order(i);
  }

  order(index: number): DemoOrder {
    const { spec } = this;
    const random = new EntityRandom(spec.seed, 'order', index);
    const customerIndex = this.customerPicker.pick(random);
    const customer = this.customer(customerIndex);
    const ordersFrom = Math.max(customer.createdAt.getTime(), spec.until.getTime() - 2 * YEAR);
    const placedAt = new Date(ordersFrom + Math.floor(random.next() * (spec.until.getTime() - ordersFrom)));
    const ageDays = (spec.until.getTime() - placedAt.getTime()) / DAY;
    const status: DemoOrderStatus =
      random.next() < 0.05 ? 'CANCELLED' : ageDays > 14 ? 'SHIPPED' : ageDays > 3 ? random.weighted([['SHIPPED', 1], ['PAID', 2]]) : random.weighted([['PAID', 1], ['PLACED', 2]]);
    const currency = orderCurrency(spec, customerIndex, index, CURRENCY_OF_COUNTRY[customer.country]!);
    const lineCount = random.weighted([[1, 40], [2, 30], [3, 15], [4, 10], [5, 5]]);
    const lines: DemoOrderLine[] = [];
    for (let lineNo = 1; lineNo <= lineCount; lineNo++) {
      const product = this.product(this.productPicker.pick(random));
      lines.push({
        lineNo,
        productId: product.id,
        quantity: random.weighted([[1, 70], [2, 20], [3, 7], [5, 3]]),
        unitPriceCents: Math.round(product.priceCents * RATE_FROM_EUR[currency]!),
      });
    }
    const changedAfterDays = status === 'SHIPPED' ? random.int(1, 10) : status === 'CANCELLED' ? random.int(0, 2) : 0;
    return {
      id: random.uuidv7(placedAt),
      customerId: customer.id,
      placedAt,
      status,
      currency,
      totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
      updatedAt: new Date(Math.min(spec.until.getTime(), placedAt.getTime() + changedAfterDays * DAY)),
      lines,
    };
  }

  private customer(index: number): DemoCustomer {
    return memo(this.customerCache, index, () => demoCustomer(this.spec, index));
  }

  private product(index: number): DemoProduct {
    return memo(this.productCache, index, () => demoProduct(this.spec, index));
  }
}

/** Which customers also buy in other currencies (a share of them), and how often. */
const TRAVELLING_CUSTOMERS = 0.15;
const ORDERS_ABROAD = 0.3;

/**
 * An order's currency: its customer's country's, except that some customers (those who
 * travel, or buy from abroad) place a share of their orders in another currency, so
 * that reports meet customers with money in several currencies. Drawn from streams of
 * their own, so every other field of every order is what it was before.
 */
function orderCurrency(spec: DemoDataSpec, customerIndex: number, orderIndex: number, home: string): string {
  if (new EntityRandom(spec.seed, 'customer-travels', customerIndex).next() >= TRAVELLING_CUSTOMERS) return home;
  const random = new EntityRandom(spec.seed, 'order-currency', orderIndex);
  if (random.next() >= ORDERS_ABROAD) return home;
  return random.pick(Object.keys(RATE_FROM_EUR).filter((currency) => currency !== home));
}

/** Bounded memo: the skew makes a few thousand entries cover most picks. */
function memo<T>(cache: Map<number, T>, key: number, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= 50_000) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}
