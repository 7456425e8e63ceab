import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MAX_EXPORT_COLUMNS, MAX_FILTER_VALUES, type ExportColumnType, type ExportFormat, type ExportPartitioning, type OperationState } from '@tributary/contracts';

/** GraphQL names its enum values in capitals; the REST contract's values are what they stand for. */
export enum ExportFormatValue {
  NDJSON = 'ndjson',
  CSV = 'csv',
  PARQUET = 'parquet',
  XLSX = 'xlsx',
}
registerEnumType(ExportFormatValue, { name: 'ExportFormat', description: 'NDJSON and CSV may be gzipped; Parquet has typed columns; XLSX opens in a spreadsheet (1,048,575 rows a file).' });

export enum ExportPartitioningValue {
  NONE = 'none',
  MONTH = 'month',
}
registerEnumType(ExportPartitioningValue, { name: 'ExportPartitioning', description: 'MONTH: one folder per month of the dataset time column, month=YYYY-MM.' });

export enum ExportDestinationKind {
  LOCAL = 'local',
  S3 = 's3',
}
registerEnumType(ExportDestinationKind, { name: 'ExportDestinationKind' });

export enum OperationStateValue {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(OperationStateValue, { name: 'OperationState' });

@InputType()
export class ExportFiltersInput {
  @Field(() => Date, { nullable: true, description: 'Start of the period on the dataset time column, inclusive.' })
  @IsOptional()
  from?: Date;
  @Field(() => Date, { nullable: true, description: 'End of the period, exclusive.' })
  @IsOptional()
  to?: Date;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  status?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  country?: string[];
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  category?: string[];
}

@InputType()
export class ExportDestinationInput {
  @Field(() => ExportDestinationKind)
  @IsIn(Object.values(ExportDestinationKind))
  kind!: ExportDestinationKind;
  @Field(() => String, { nullable: true, description: 'S3: a prefix under the configured one.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_\-./]*$/)
  prefix?: string;
}

@InputType({ description: 'An export of a reporting_v1 dataset (sales, orders, order_lines, customers, products).' })
export class StartExportInput {
  @Field()
  @IsString()
  @MaxLength(64)
  dataset!: string;
  @Field(() => ExportFiltersInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExportFiltersInput)
  filters?: ExportFiltersInput;
  @Field(() => [String], { nullable: true, description: 'Columns in this order; all when absent.' })
  @IsOptional()
  @ArrayMaxSize(MAX_EXPORT_COLUMNS)
  columns?: string[];
  @Field(() => ExportFormatValue)
  @IsIn(Object.values(ExportFormatValue))
  format!: ExportFormat;
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  gzip?: boolean;
  @Field(() => ExportDestinationInput, { nullable: true, description: 'LOCAL when absent.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExportDestinationInput)
  destination?: ExportDestinationInput;
  @Field(() => ExportPartitioningValue, { nullable: true })
  @IsOptional()
  @IsIn(['none', 'month'])
  partitionBy?: ExportPartitioning;
}

@ObjectType()
export class ExportColumnModel {
  @Field()
  name!: string;
  @Field(() => String, { description: 'string, integer or timestamp.' })
  type!: ExportColumnType;
}

@ObjectType()
export class ExportedFileModel {
  @Field()
  path!: string;
  @Field({
    description:
      "Where to fetch it: the gateway's download link for a local export, /exports/files/<path> (relative to the gateway, or absolute with GATEWAY_PUBLIC_URL; GET it with the same credential, Range supported), or s3://bucket/key.",
  })
  location!: string;
  @Field(() => String, { nullable: true })
  month!: string | null;
  @Field(() => Int)
  rows!: number;
  @Field(() => Int)
  bytes!: number;
  @Field()
  sha256!: string;
}

@ObjectType()
export class ExportResponseModel {
  @Field()
  dataset!: string;
  @Field(() => ExportFormatValue)
  format!: ExportFormat;
  @Field(() => [ExportColumnModel])
  columns!: ExportColumnModel[];
  @Field(() => Int)
  rows!: number;
  @Field(() => [ExportedFileModel])
  files!: ExportedFileModel[];
  @Field({ description: 'Location of _manifest.json, beside the files: a download link of the gateway, as the files have.' })
  manifest!: string;
}

@ObjectType()
export class ExportMetadataModel {
  @Field(() => OperationStateValue)
  state!: OperationState;
  @Field()
  dataset!: string;
  @Field(() => ExportFormatValue)
  format!: ExportFormat;
  @Field(() => Int)
  rowsWritten!: number;
  @Field(() => Int, { nullable: true, description: 'Counted when the export starts; null before.' })
  totalRows!: number | null;
  @Field(() => Int)
  percent!: number;
  @Field(() => Int)
  parts!: number;
  @Field()
  cancelRequested!: boolean;
  @Field(() => Date)
  createdAt!: string;
  @Field(() => Date, { nullable: true })
  startedAt!: string | null;
  @Field(() => Date)
  updatedAt!: string;
}

@ObjectType()
export class ExportFieldViolationModel {
  @Field()
  field!: string;
  @Field()
  message!: string;
}

@ObjectType()
export class ExportErrorModel {
  @Field()
  code!: string;
  @Field()
  detail!: string;
  @Field(() => [ExportFieldViolationModel], { nullable: true })
  errors?: ExportFieldViolationModel[];
}

@ObjectType({ description: 'An export as a long-running operation: its progress (metadata) while it runs, then its files (response) or error.' })
export class ExportOperationModel {
  @Field(() => ID, { description: 'The operation id, for export(id) and cancelExport(id).' })
  id!: string;
  @Field({ description: 'operations/<id>, its name in the REST API.' })
  name!: string;
  @Field()
  done!: boolean;
  @Field(() => ExportMetadataModel)
  metadata!: ExportMetadataModel;
  @Field(() => ExportResponseModel, { nullable: true })
  response?: ExportResponseModel;
  @Field(() => ExportErrorModel, { nullable: true })
  error?: ExportErrorModel;
}

@ObjectType()
export class ExportOperationPageModel {
  @Field(() => [ExportOperationModel])
  nodes!: ExportOperationModel[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last.' })
  endCursor!: string | null;
  @Field()
  hasNextPage!: boolean;
}
