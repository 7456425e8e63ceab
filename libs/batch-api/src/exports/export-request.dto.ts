import { applyDecorators } from '@nestjs/common';
import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  EXPORT_FORMATS,
  EXPORT_PARTITIONINGS,
  MAX_EXPORT_COLUMNS,
  MAX_FILTER_VALUES,
  type ExportDestination,
  type ExportFilters,
  type ExportFormat,
  type ExportPartitioning,
  type ExportRequest,
} from '@tributary/contracts';
import { IsOptionalInstant, IsOptionalNotNull } from '../batch-api.validators.js';


function IsOptionalValueList(description: string) {
  return applyDecorators(
    ApiProperty({ required: false, type: [String], maxItems: MAX_FILTER_VALUES, description }),
    IsOptionalNotNull(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_FILTER_VALUES),
    IsString({ each: true }),
    MaxLength(64, { each: true }),
  );
}

export class ExportFiltersDto implements ExportFilters {
  @IsOptionalInstant("Start of the period on the dataset's time column, inclusive.")
  from?: string;

  @IsOptionalInstant("End of the period on the dataset's time column, exclusive.")
  to?: string;

  @IsOptionalValueList('Order statuses to keep (orders, sales).')
  status?: string[];

  @IsOptionalValueList('Customer countries to keep, ISO 3166 alpha-2 (customers, sales).')
  country?: string[];

  @IsOptionalValueList('Product categories to keep (products, sales).')
  category?: string[];
}

export class ExportDestinationDto {
  @ApiProperty({ enum: ['local', 's3'], description: "local: the app's export directory, downloadable from the app; s3: the object storage configured on the app." })
  @IsIn(['local', 's3'])
  kind!: 'local' | 's3';

  @ApiProperty({ required: false, description: 's3: a prefix under the configured one, such as marts/2026.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_\-./]*$/, { message: 'prefix may hold letters, digits, _ - . and / only' })
  prefix?: string;
}

export class ExportRequestDto implements ExportRequest {
  @ApiProperty({ description: 'What to export: a reporting_v1 view (reporting app) or a resource (a service). GET /v1/exports:datasets lists them.' })
  @IsString()
  @MaxLength(64)
  dataset!: string;

  @ApiProperty({ required: false, type: ExportFiltersDto })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => ExportFiltersDto)
  filters?: ExportFiltersDto;

  @ApiProperty({ required: false, type: [String], maxItems: MAX_EXPORT_COLUMNS, description: "Columns, in this order; all of the dataset's when absent." })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPORT_COLUMNS)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  columns?: string[];

  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;

  @ApiProperty({ required: false, description: 'gzip the files: NDJSON and CSV only.' })
  @IsOptionalNotNull()
  @IsBoolean()
  gzip?: boolean;

  @ApiProperty({ required: false, type: ExportDestinationDto, description: 'local when absent.' })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => ExportDestinationDto)
  destination?: ExportDestination;

  @ApiProperty({ required: false, enum: EXPORT_PARTITIONINGS, description: "month: one folder per month of the dataset's time column (month=YYYY-MM)." })
  @IsOptionalNotNull()
  @IsIn(EXPORT_PARTITIONINGS)
  partitionBy?: ExportPartitioning;
}

/** The body of `POST /v1/{dataset}:export`: the dataset is in the path. */
export class DatasetExportRequestDto extends OmitType(ExportRequestDto, ['dataset'] as const) {}
