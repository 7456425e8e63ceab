import { registerEnumType } from '@nestjs/graphql';

export enum ReportSource {
  AUTO = 'AUTO',
  LIVE = 'LIVE',
  REPORTING = 'REPORTING',
}

registerEnumType(ReportSource, {
  name: 'ReportSource',
  description: 'Where a report gets its data.',
  valuesMap: {
    AUTO: { description: 'The reporting store when every table the report reads lags at most maxStaleness seconds; else live.' },
    LIVE: { description: "The services' batch APIs, as of now." },
    REPORTING: { description: 'The reporting store, however stale: a STALE_DATA error when it lags more than maxStaleness.' },
  },
});

/** How one report of a response was served, for `extensions.freshness`. */
export interface ServedReport {
  source: ReportSource.LIVE | ReportSource.REPORTING;
  /** Seconds the data lagged behind the services: 0 for live. */
  lagSeconds: number | null;
  /** Why AUTO answered live. */
  reason?: string;
}

/** Which source served each report of one GraphQL request, by its response key (the alias, if any). */
export class ReportFreshness {
  private readonly served: Record<string, ServedReport> = {};

  record(responseKey: string, served: ServedReport): void {
    this.served[responseKey] = served;
  }

  get empty(): boolean {
    return Object.keys(this.served).length === 0;
  }

  toJSON(): Record<string, ServedReport> {
    return { ...this.served };
  }
}
