import type { Currency, Instant } from './common.js';
import type { ListQuery } from './batch.js';

export const PRODUCT_LIMITS = { skuPattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/, titleLength: 200, categoryLength: 100 } as const;

/** A product as the catalog service sends it. */
export interface Product {
  id: string;
  sku: string;
  title: string;
  category: string;
  /** Price in cents of `currency`. */
  priceCents: number;
  currency: Currency;
  updatedAt: Instant;
}

/** `POST /v1/products` */
export interface ProductInput {
  /** Unique across products. */
  sku: string;
  title: string;
  category: string;
  priceCents: number;
  currency: Currency;
}

/** `PATCH /v1/products/{id}` */
export type ProductChanges = Partial<ProductInput>;

export interface ProductsListQuery extends ListQuery {
  category?: string;
}
