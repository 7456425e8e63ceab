import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FreshnessService } from '../freshness/freshness.service.js';

/**
 * The store's Prometheus metrics: lag and rows pumped per table, read from the
 * checkpoints at each scrape (so they hold across restarts and replicas), and the
 * batches this instance failed to apply.
 */
@Injectable()
export class ReportingMetrics {
  readonly registry = new Registry();

  readonly ingestErrors = new Counter({
    name: 'tributary_reporting_ingest_errors_total',
    help: 'Pump batches the store failed to apply (the pump delivers them again), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly rowsApplied = new Counter({
    name: 'tributary_reporting_rows_applied_total',
    help: 'Rows this instance applied from pump batches (newer versions only), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly eventsApplied = new Counter({
    name: 'tributary_reporting_events_applied_total',
    help: 'Events this instance applied for the first time (redeliveries not counted), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly eventLag = new Histogram({
    name: 'tributary_reporting_event_lag_seconds',
    help: "End-to-end lag of each applied event: from the write in its service (the resource's updatedAt) to the commit in the store",
    labelNames: ['table'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'tributary_reporting_dead_letters_total',
    help: 'Events this instance could not apply and set aside in reporting_store.dead_letters (a redelivered one counts again)',
    registers: [this.registry],
  });

  constructor(freshness: FreshnessService) {
    collectDefaultMetrics({ register: this.registry });
    const tables = () => freshness.freshness();
    new Gauge({
      name: 'tributary_reporting_lag_seconds',
      help: 'Seconds between now and the watermark the pump of each table has delivered (NaN before the first delivery)',
      labelNames: ['table'] as const,
      registers: [this.registry],
      async collect() {
        for (const t of await tables()) this.set({ table: t.table }, t.lagSeconds ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'tributary_reporting_rows_pumped',
      help: 'Rows applied to each table since the store was created (a row updated twice counts twice)',
      labelNames: ['table'] as const,
      registers: [this.registry],
      async collect() {
        for (const t of await tables()) this.set({ table: t.table }, t.rowsPumped);
      },
    });
    new Gauge({
      name: 'tributary_reporting_dead_letters',
      help: 'Events set aside in reporting_store.dead_letters, waiting for someone to look at them',
      registers: [this.registry],
      async collect() {
        this.set((await freshness.store()).deadLetters);
      },
    });
  }
}
