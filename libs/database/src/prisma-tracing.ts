import { trace } from '@opentelemetry/api';
import { tracingEnabled } from '@tributary/core';

let registered = false;

/**
 * Prisma 7's own spans (issue 19): with the query compiler and a driver adapter, the
 * client wraps every SQL statement it sends in a `prisma:client:db_query` span (the
 * statement's text, parameters not included) under its `prisma:client:operation`.
 * @prisma/instrumentation turns them on; it is imported only when tracing is on.
 */
export async function tracePrismaQueries(): Promise<void> {
  if (!tracingEnabled() || registered) return;
  registered = true;
  const { PrismaInstrumentation } = await import('@prisma/instrumentation');
  const instrumentation = new PrismaInstrumentation({ enabled: false, ignoreSpanTypes: ['prisma:client:serialize'] });
  instrumentation.setTracerProvider(trace.getTracerProvider());
  instrumentation.enable();
}
