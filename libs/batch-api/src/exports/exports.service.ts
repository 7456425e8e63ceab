import { operationIdOf, type ExportOperation, type ExportRequest, type OperationState } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { ExportDataset } from './export-datasets.js';
import { exportStorage } from './export-destinations.js';
import { planExport } from './export-plan.js';
import type { ExportQueue } from './export-queue.js';
import type { ExportConfig } from './export.config.js';
import type { OperationStore } from './operation-store.js';

/** Creating, reading, cancelling and forgetting an app's export operations. */
export class ExportsService {
  constructor(
    private readonly store: OperationStore,
    private readonly queue: ExportQueue,
    private readonly availableDatasets: readonly ExportDataset[],
    private readonly config: ExportConfig,
  ) {}

  /** What can be known wrong is refused here, with the field named; the operation exists once its job is queued. */
  async start(request: ExportRequest): Promise<ExportOperation> {
    const plan = planExport(request, this.availableDatasets, this.config.s3 !== null);
    await exportStorage(this.config, plan.destination).check();
    await this.queue.started();
    const operation = await this.store.create(request);
    await this.queue.enqueue(operationIdOf(operation));
    return operation;
  }

  async get(id: string): Promise<ExportOperation> {
    const operation = await this.store.get(id);
    if (!operation) throw DomainException.notFound('operation', id);
    return operation;
  }

  list(limit: number, state: OperationState | undefined, after: { createdAt: Date; id: string } | undefined): Promise<ExportOperation[]> {
    return this.store.list(limit, state, after);
  }

  async cancel(id: string): Promise<ExportOperation> {
    const operation = await this.store.requestCancel(id);
    if (!operation) throw DomainException.notFound('operation', id);
    return operation;
  }

  async delete(id: string): Promise<void> {
    const outcome = await this.store.delete(id);
    if (outcome === 'absent') throw DomainException.notFound('operation', id);
    if (outcome === 'running') throw DomainException.invalidField('name', `operation ${id} is not done: cancel it first, then delete it`);
  }

  datasets(): Array<Pick<ExportDataset, 'name' | 'description' | 'columns' | 'timeColumn'> & { filters: string[] }> {
    return this.availableDatasets.map(({ name, description, columns, timeColumn, filters }) => ({
      name,
      description,
      columns,
      ...(timeColumn ? { timeColumn } : {}),
      filters: [...(timeColumn ? ['from', 'to'] : []), ...Object.keys(filters)],
    }));
  }

  directory(): string {
    return this.config.directory;
  }
}
