import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { EventLag, EventPumpFreshness, ReportingTable, TableFreshness, TableReconciliation } from '@tributary/contracts';

@ObjectType({ description: 'The reporting store: how fresh each table is, and whether it holds what the services hold.' })
export class ReportingStatus {}

@ObjectType({ description: "End-to-end lag of events, from the write in the service to the commit in the store, in seconds." })
export class EventLagModel implements EventLag {
  @Field(() => Int, { description: 'Events it covers: those applied in the last minute.' })
  events!: number;
  @Field(() => Float)
  lastSeconds!: number;
  @Field(() => Float)
  p50Seconds!: number;
  @Field(() => Float)
  p99Seconds!: number;
}

@ObjectType({ description: "A store table's event pump: what it applied, and how fast events arrive." })
export class EventPumpFreshnessModel implements EventPumpFreshness {
  @Field(() => Float, { description: 'Events applied since the store was created.' })
  applied!: number;
  @Field(() => Date, { nullable: true, description: 'When the newest applied change was written in its service.' })
  lastOccurredAt!: string | null;
  @Field(() => Date, { nullable: true })
  lastAppliedAt!: string | null;
  @Field(() => EventLagModel, { nullable: true, description: 'Over the events applied in the last minute; null when none.' })
  lag!: EventLagModel | null;
}

@ObjectType({ description: 'How far one store table is behind its source.' })
export class TableFreshnessModel implements TableFreshness {
  @Field(() => String)
  table!: ReportingTable;
  @Field(() => Date, { nullable: true, description: 'Every source change committed before this instant is in the store; null before the first delivery.' })
  watermark!: string | null;
  @Field(() => Float, { nullable: true, description: 'Seconds between now and the watermark.' })
  lagSeconds!: number | null;
  @Field(() => Float, { description: 'Rows applied since the store was created (a row updated twice counts twice).' })
  rowsPumped!: number;
  @Field(() => EventPumpFreshnessModel, { description: 'The event pump, which carries the steady state; the batch pump (watermark, lag) catches up and repairs.' })
  events!: EventPumpFreshnessModel;
}

@ObjectType({ description: "A count and an order-independent checksum of (id, updatedAt) over a table's rows." })
export class TableSideModel {
  @Field(() => Int)
  count!: number;
  @Field()
  checksum!: string;
}

@ObjectType({ description: "One table's source and store side by side, over the rows below the delivered horizon." })
export class TableReconciliationModel implements TableReconciliation {
  @Field(() => String)
  table!: ReportingTable;
  @Field(() => String, { nullable: true, description: 'The transaction horizon compared below (a decimal xid8).' })
  until!: string | null;
  @Field(() => TableSideModel, { nullable: true, description: 'Null when the owning service did not answer (see error).' })
  source!: TableSideModel | null;
  @Field(() => TableSideModel)
  store!: TableSideModel;
  @Field(() => Int, { nullable: true, description: 'Store count minus source count.' })
  countDifference!: number | null;
  @Field({ description: 'Counts and checksums equal.' })
  matches!: boolean;
  @Field(() => String, { nullable: true })
  error?: string;
}
