import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { DownstreamName } from '../downstream/downstream-services.js';
import { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly downstream: Downstream) {}

  /** 200 when every service answers its own /health, else 503 naming the ones that do not. */
  @Get()
  async health(@Res({ passthrough: true }) response: { status(code: number): void }) {
    const services = await Promise.all(
      (Object.entries(this.downstream.clients) as Array<[DownstreamName, Downstream['clients'][DownstreamName]]>).map(async ([name, client]) => {
        const started = performance.now();
        try {
          await client.call({ method: 'GET', path: '/health', keys: 0, idempotent: false }, new DownstreamStats());
          return [name, { status: 'up', ms: Math.round(performance.now() - started), circuit: client.circuitState }] as const;
        } catch (error) {
          return [name, { status: 'down', error: error instanceof Error ? error.message : String(error), circuit: client.circuitState }] as const;
        }
      }),
    );
    const up = services.every(([, check]) => check.status === 'up');
    response.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'degraded', services: Object.fromEntries(services) };
  }
}
