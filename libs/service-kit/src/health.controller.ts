import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

/** A dependency the service cannot work without. */
export interface HealthCheck {
  name: string;
  check(): Promise<unknown>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: 200 when every dependency answers, else 503' })
  async health(@Res({ passthrough: true }) response: { status(code: number): void }) {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const up = results.every(([, result]) => result.status === 'up');
    response.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
  }
}

async function runCheck(check: HealthCheck): Promise<{ status: 'up' | 'down'; ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: 'up', ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', ms: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
