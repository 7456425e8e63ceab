/**
 * The services the gateway calls, with where each listens by default: the gateway's
 * own list. Adding a service to the gateway starts here (and its API class), and
 * touches no lib.
 */
export const DOWNSTREAM_SERVICES = {
  customers: 'http://localhost:4001',
  orders: 'http://localhost:4002',
  catalog: 'http://localhost:4003',
} as const;

export type DownstreamName = keyof typeof DOWNSTREAM_SERVICES;

export const DOWNSTREAM_NAMES = Object.keys(DOWNSTREAM_SERVICES) as DownstreamName[];

/** Everything the gateway calls: the services, and the reporting store when one is configured. */
export type ClientName = DownstreamName | 'reporting';
