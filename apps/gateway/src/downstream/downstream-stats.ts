import { DOWNSTREAM_NAMES, type DownstreamName } from './downstream-services.js';

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

  private readonly counts = Object.fromEntries(DOWNSTREAM_NAMES.map((name) => [name, { calls: 0, keys: 0 }])) as Record<DownstreamName, DownstreamCount>;

  record(service: DownstreamName, keys: number): void {
    this.counts[service].calls++;
    this.counts[service].keys += keys;
  }

  toJSON(): Record<DownstreamName, DownstreamCount> {
    return structuredClone(this.counts);
  }
}
