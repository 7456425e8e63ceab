import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { ReportingTable, TableFreshness, TableReconciliation } from '@tributary/contracts';

@ObjectType({ description: 'The reporting store: how fresh each table is, and whether it holds what the services hold.' })
export class ReportingStatus {}

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
