import { REPORTING_TABLES } from '@tributary/contracts';
import type { ReportingConfig } from '../../apps/reporting/src/reporting.config.js';

/**
 * The reporting app's settings for a test that fills the store itself: no sources, no
 * SQL interface, no broker, and roles named after `suffix`, so that runs side by side on
 * one PostgreSQL server do not share them.
 */
export function storeOnlyReportingConfig(suffix: string, overrides: Partial<ReportingConfig> = {}): ReportingConfig {
  return {
    sources: { customers: '', orders: '', products: '', rates: '' },
    sql: null,
    reader: { role: `reporting_reader_${suffix}` },
    pumpRolePrefix: `tributary_pump_${suffix}_`,
    events: { bus: { natsUrl: null, streamPrefix: 'UNUSED', subjectPrefix: 'unused' }, consumerName: 'reporting' },
    ...overrides,
  };
}

/** The server roles such an app makes (the reader role and a pump role per table): what a test drops when it ends. */
export function reportingRolesOf(config: ReportingConfig): string[] {
  return [config.reader.role, ...REPORTING_TABLES.map((table) => `${config.pumpRolePrefix}${table}`)];
}
