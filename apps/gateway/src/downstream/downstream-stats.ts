import { DOWNSTREAM_NAMES, type ClientName } from './downstream-services.js';

export interface DownstreamCount {
  /** HTTP requests sent, retries included. */
  calls: number;
  /** Entity keys those requests carried (ids of batch calls). */
  keys: number;
}

/**
 * What one GraphQL request caused downstream, per service: the collapse made visible.
 * Its `clientGone` signal aborts when the client closes the connection before the
 * answer: calls still queued or in flight for it are then dropped, rather than
 * leaving services to answer a request nobody will read.
 */
export class DownstreamStats {
  constructor(readonly clientGone: AbortSignal = new AbortController().signal) {}

  // Every service, called or not; the reporting store once it was called.
  private readonly counts: Partial<Record<ClientName, DownstreamCount>> = Object.fromEntries(DOWNSTREAM_NAMES.map((name) => [name, { calls: 0, keys: 0 }]));

  record(service: ClientName, keys: number): void {
    const count = (this.counts[service] ??= { calls: 0, keys: 0 });
    count.calls++;
    count.keys += keys;
  }

  toJSON(): Partial<Record<ClientName, DownstreamCount>> {
    return structuredClone(this.counts);
  }
}
