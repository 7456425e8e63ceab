import { Injectable } from '@nestjs/common';
import { ProblemCode, type StoreReportName, type StoreReportRequest, type StoreReportRows } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { DownstreamError } from '../downstream/downstream.error.js';
import { Downstream } from '../downstream/downstream.service.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { ReportSource, type ServedReport } from './report-source.js';

/** One report as both sources can answer it. */
export interface ReportSources<N extends StoreReportName, T> {
  name: N;
  /** The response key (alias or field name) that `extensions.freshness` names. */
  responseKey: string;
  source: ReportSource;
  maxStaleness: number;
  request: StoreReportRequest;
  /** Absent where live would be too costly: the report is then the store's only. */
  live?: () => Promise<T[]>;
  fromStore: (rows: Array<StoreReportRows[N]>) => T[];
}

const describeLag = (lag: number | null) => (lag === null ? 'has received nothing yet' : `lags ${lag.toFixed(1)} s behind the services`);

/**
 * Chooses where a report comes from. LIVE asks the services; REPORTING asks the store
 * and refuses stale data with STALE_DATA; AUTO asks the store and answers live when it
 * is stale, down or not configured. The store states its lag with the rows it
 * answers, so AUTO costs one call when the store is fresh.
 */
@Injectable()
export class ReportSourceService {
  constructor(private readonly downstream: Downstream) {}

  async serve<N extends StoreReportName, T>(report: ReportSources<N, T>, context: GatewayContext): Promise<T[]> {
    const { name, source, live, maxStaleness } = report;
    // Recorded as soon as chosen: a sibling report's error may end the response before this one's answer arrives.
    const answerLive = (reason?: string) => {
      this.served(report, context, { source: ReportSource.LIVE, lagSeconds: 0, ...(reason ? { reason } : {}) });
      return live!();
    };
    if (source === ReportSource.LIVE) {
      if (!live) throw DomainException.invalidField('source', `${name} is answered from the reporting store only: ask for source AUTO or REPORTING`);
      return answerLive();
    }
    const store = this.downstream.reporting;
    if (!store) {
      if (source === ReportSource.AUTO && live) return answerLive('no reporting store is configured');
      throw DomainException.invalidField('source', `${name} needs the reporting store, and none is configured (REPORTING_URL)`);
    }
    let answer;
    try {
      answer = await store.report(name, report.request, context.downstream);
    } catch (error) {
      // A store that is down or failing is AUTO's reason to go live; a request it refused is the client's mistake.
      if (source === ReportSource.AUTO && live && error instanceof DownstreamError && !error.problem) return answerLive(`the reporting store failed: ${error.message}`);
      throw error;
    }
    const lag = answer.freshness.lagSeconds;
    if (lag === null || lag > maxStaleness) {
      if (source === ReportSource.AUTO && live) return answerLive(`the reporting store ${describeLag(lag)}, more than maxStaleness ${maxStaleness} s`);
      const message = `the reporting store ${describeLag(lag)}, more than maxStaleness ${maxStaleness} s: raise maxStaleness${live ? ', or ask for source LIVE or AUTO' : ''}`;
      throw new DomainException(ProblemCode.staleData, message, [{ field: 'maxStaleness', message }]);
    }
    this.served(report, context, { source: ReportSource.REPORTING, lagSeconds: lag });
    return report.fromStore(answer.rows);
  }

  private served(report: { responseKey: string }, context: GatewayContext, served: ServedReport): void {
    context.freshness.record(report.responseKey, served);
  }
}
