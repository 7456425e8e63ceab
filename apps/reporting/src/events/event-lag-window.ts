import { Injectable } from '@nestjs/common';
import type { EventLag, ReportingTable } from '@tributary/contracts';

/** The lag figures of the freshness answer cover this last stretch of time. */
const WINDOW_MS = 60_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The end-to-end lags of the events this instance applied in the last minute, per table. */
@Injectable()
export class EventLagWindow {
  private readonly recent = new Map<ReportingTable, Array<{ at: number; seconds: number }>>();

  record(table: ReportingTable, seconds: number, at = Date.now()): void {
    const lags = this.recent.get(table) ?? [];
    lags.push({ at, seconds });
    this.recent.set(table, lags);
  }

  of(table: ReportingTable, now = Date.now()): EventLag | null {
    const recent = (this.recent.get(table) ?? []).filter((lag) => now - lag.at <= WINDOW_MS);
    this.recent.set(table, recent);
    if (recent.length === 0) return null;
    const sorted = recent.map((lag) => lag.seconds).sort((a, b) => a - b);
    return { events: recent.length, lastSeconds: recent.at(-1)!.seconds, p50Seconds: percentile(sorted, 0.5), p99Seconds: percentile(sorted, 0.99) };
  }
}
