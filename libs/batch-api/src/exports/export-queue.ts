import { Logger } from '@nestjs/common';
import type { PgBoss } from 'pg-boss';
import type { DatabaseHandle } from '@tributary/database';
import type { ExportConfig } from './export.config.js';
import type { ExportRunner } from './export-runner.js';

interface ExportJob {
  operationId: string;
}

/**
 * The durable queue of exports: pg-boss, in the app's own database, on PostgreSQL and
 * on the embedded PGlite alike (its PGlite backend), so a job outlives the process that
 * queued it. A running job sends heartbeats; one whose worker went silent (killed) is
 * given to the next worker, which resumes the operation from its last committed part.
 * Any number of processes with `concurrency` > 0 share one queue on PostgreSQL.
 *
 * pg-boss starts on first use, or at boot when operations are unfinished: an app that
 * never exports never creates its schema.
 */
export class ExportQueue {
  private readonly logger = new Logger('ExportQueue');
  private boss?: Promise<PgBoss>;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly queueName: string,
    private readonly config: ExportConfig,
    private readonly runner: ExportRunner,
  ) {}

  async enqueue(operationId: string): Promise<void> {
    const boss = await this.started();
    await boss.send(this.queueName, { operationId } satisfies ExportJob);
  }

  /** Starts the queue and this process's workers. */
  started(): Promise<PgBoss> {
    this.boss ??= this.start().catch((error: unknown) => {
      this.boss = undefined;
      throw error;
    });
    return this.boss;
  }

  private async start(): Promise<PgBoss> {
    const { fromPglite, PgBoss } = await import('pg-boss');
    const supervision = { superviseIntervalSeconds: this.config.superviseSeconds, monitorIntervalSeconds: this.config.superviseSeconds, schedule: false };
    const embedded = this.handle.embedded;
    const boss = embedded
      ? new PgBoss({ db: fromPglite(embedded), backend: 'pglite', ...supervision })
      : new PgBoss({ connectionString: this.handle.url, max: 2 + this.config.concurrency, application_name: `tributary ${this.queueName}`, ...supervision });
    boss.on('error', (error: Error) => this.logger.warn(`queue: ${error.message}`));
    await boss.start();
    await boss.createQueue(this.queueName, {
      heartbeatSeconds: this.config.heartbeatSeconds,
      retryLimit: this.config.retryLimit,
      retryDelay: 1,
      retryBackoff: true,
      // The heartbeat says whether a worker lives; pg-boss allows a job a day at most.
      expireInSeconds: 24 * 3600,
    });
    if (this.config.concurrency > 0) {
      await boss.work<ExportJob>(this.queueName, { localConcurrency: this.config.concurrency, pollingIntervalSeconds: 1 }, async ([job]) => {
        await this.runner.run(job!.data.operationId, job!.retryCount >= this.config.retryLimit);
      });
      this.logger.log(`running exports from queue ${this.queueName}, ${this.config.concurrency} at a time`);
    }
    return boss;
  }

  /** Running exports stop after their page and stay RUNNING; their jobs come back to the next worker. */
  async stop(): Promise<void> {
    if (!this.boss) return;
    this.runner.interrupt();
    const boss = await this.boss.catch(() => undefined);
    await boss?.stop({ graceful: true, close: true, timeout: 10_000 }).catch((error: unknown) => this.logger.warn(`stopping the queue: ${(error as Error).message}`));
  }
}
