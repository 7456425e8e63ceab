import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { toBatchGetResults } from './batch-get-results.util.js';
import { BatchGetRequestDto, ListQueryDto, PAGING_FIELDS } from './batch-api.dto.js';
import { KeysetPager, type KeysetWindow, type Versioned } from './keyset-pager.js';
import { wireBatchGetResponse, wireListResponse, WireSelect, type WireForm, type WireRow } from './wire-json.js';
import { DomainException } from '@tributary/core';

/**
 * What a service writes to serve one resource under the batch contract: two queries,
 * and (in the options) the one function that turns its row into the wire form.
 * Everything else (validation, alignment, NOT_FOUND entries, page tokens, page sizes)
 * is the library's.
 */
export interface BatchResourceSource<T extends Versioned, F = Record<string, unknown>> {
  /** All rows with these ids, in any order, in one SQL query. Ids are distinct. */
  findByIds(ids: readonly string[]): Promise<T[]>;
  /** Up to `take` rows of the window in (updatedAt, id) order, matching the filters. */
  findPage(window: KeysetWindow, take: number, filters: F): Promise<T[]>;
  /**
   * Optional, for resources read by the thousand: the wire form as SQL. batchGet and
   * list then read the rows below, whose JSON the database writes with the fields a
   * read mask chooses (`wire`, the form's SQL for it), and send it as it is.
   */
  readonly wireForm?: WireForm;
  /** The same rows as findByIds, each as `${Prisma.raw(wire)}::text AS json`. */
  findWireByIds?(ids: readonly string[], wire: string): Promise<WireRow[]>;
  /** The same rows as findPage, each as `${Prisma.raw(wire)}::text AS json`. */
  findWirePage?(window: KeysetWindow, take: number, filters: F, wire: string): Promise<WireRow[]>;
}

type RowOf<S> = S extends BatchResourceSource<infer T, never> ? T : never;

type Filters<Q> = Omit<Q, (typeof PAGING_FIELDS)[number]>;

export interface BatchResourceOptions<S extends BatchResourceSource<Versioned, Filters<Q>>, Q extends ListQueryDto, Dto> {
  /** Plural resource name, the path segment: `customers`. */
  collection: string;
  /** Singular name, the key of one resource in batch results: `customer`. */
  resource: string;
  /** The class that documents one resource in OpenAPI. */
  model: Type<unknown>;
  /** The list query with this resource's own filters; ListQueryDto when it has none. */
  listQuery?: Type<Q>;
  /** The service that implements BatchResourceSource for this resource; controllers reach it as `this.service`. */
  service: Type<S>;
  /** The service's row as the resource's wire contract: `toCustomerDto`. */
  toDto: (row: RowOf<S>) => Dto;
  /**
   * For ids with a format of their own (most resources take any string): why an id is
   * not of it (`must be …`), or undefined. A malformed id is then a 400 naming it
   * (`ids[2]`, `id`), not a NOT_FOUND.
   */
  malformedId?: (id: string) => string | undefined;
  /** What this resource's batchGet answers beyond the contract, for its OpenAPI description. */
  batchGetDescription?: string;
}

class NotFoundEntry {
  @ApiProperty({ enum: ['NOT_FOUND'] })
  code!: 'NOT_FOUND';
  @ApiProperty()
  message!: string;
}

/** A named class whose OpenAPI schema is built from `properties`. */
function schemaClass(name: string, properties: Record<string, Parameters<typeof ApiProperty>[0]>): Type<unknown> {
  const cls = { [name]: class {} }[name]!;
  for (const [key, options] of Object.entries(properties)) ApiProperty(options)(cls.prototype, key);
  return cls;
}

/**
 * Declares the batch contract of DESIGN.md for one resource:
 * `POST /v1/{rs}:batchGet`, `GET /v1/{rs}` (keyset pages) and `GET /v1/{rs}/{id}`.
 * A service extends the returned class and adds its own writes:
 *
 *   @Controller('v1')
 *   export class CustomersController extends BatchResourceController({ collection: 'customers', service: CustomersService, toDto: toCustomerDto, ... }) {
 *     @Post('customers') async create(@Body() body: CreateCustomerDto) { return toCustomerDto(await this.service.create(body)); }
 *   }
 */
export function BatchResourceController<S extends BatchResourceSource<Versioned, Filters<Q>>, Dto, Q extends ListQueryDto = ListQueryDto>(
  options: BatchResourceOptions<S, Q, Dto>,
) {
  const { collection, resource, model, toDto, malformedId } = options;
  /** Every malformed id, each named by its field; nothing when the resource takes any id. */
  const refuseMalformed = (ids: readonly string[], field: (index: number) => string) => {
    if (!malformedId) return;
    const violations = ids.flatMap((id, index) => {
      const problem = malformedId(id);
      return problem === undefined ? [] : [{ field: field(index), message: `${field(index)} ${problem}` }];
    });
    if (violations.length) throw DomainException.invalidArgument(violations);
  };
  const listQuery = options.listQuery ?? (ListQueryDto as Type<Q>);
  const capital = collection[0]!.toUpperCase() + collection.slice(1);
  const resultEntry = schemaClass(`${capital}BatchGetResult`, {
    id: { type: String },
    [resource]: { type: model, required: false, description: 'Present when the id exists.' },
    error: { type: NotFoundEntry, required: false, description: 'Present when the id does not exist.' },
  });
  const batchGetResponse = schemaClass(`${capital}BatchGetResponse`, { results: { type: [resultEntry] } });
  const listResponse = schemaClass(`${capital}ListResponse`, {
    [collection]: { type: [model] },
    nextPageToken: { type: String, required: false, description: 'Absent on the last page.' },
  });

  @ApiTags(collection)
  @ApiExtraModels(model)
  @Controller('v1')
  class BatchResourceControllerBase {
    private readonly wire?: WireSelect;

    constructor(
      @Inject(options.service) protected readonly service: S,
      @Inject(KeysetPager) private readonly pager: KeysetPager,
    ) {
      if (service.wireForm) this.wire = new WireSelect(service.wireForm, resource);
    }

    /** The SQL of the caller's read mask; a 400 for a mask on a resource that always sends every field. */
    private wireSqlOrThrow(readMask: string | undefined): string | undefined {
      if (this.wire) return this.wire.sqlFor(readMask);
      if (readMask !== undefined && readMask.trim() !== '' && readMask.trim() !== '*') throw DomainException.invalidField('readMask', `${collection} are always sent whole: readMask is not supported here`);
      return undefined;
    }

    @Post(`${collection}\\:batchGet`)
    @HttpCode(200)
    @ApiOperation({
      summary: `Get up to 1000 ${collection} by id`,
      description: ['One result per requested id, in the requested order; duplicates are repeated and unknown ids are NOT_FOUND entries.', options.batchGetDescription].filter(Boolean).join(' '),
    })
    @ApiOkResponse({ type: batchGetResponse })
    async batchGet(@Body() body: BatchGetRequestDto) {
      refuseMalformed(body.ids, (index) => `ids[${index}]`);
      const wire = this.wireSqlOrThrow(body.readMask);
      if (wire && this.service.findWireByIds) return wireBatchGetResponse(resource, body.ids, await this.service.findWireByIds([...new Set(body.ids)], wire));
      const rows = await this.service.findByIds([...new Set(body.ids)]);
      return { results: toBatchGetResults(resource, body.ids, rows as Array<RowOf<S>>, toDto) };
    }

    @Get(collection)
    @ApiOperation({ summary: `List ${collection} in (updatedAt, id) order`, description: 'Keyset pages; pass nextPageToken with the same filters to continue.' })
    @ApiOkResponse({ type: listResponse })
    async list(@Query() query: Q) {
      const wire = this.wireSqlOrThrow(query.readMask);
      const { findWirePage } = this.service;
      if (wire && findWirePage) {
        const page = await this.pager.page(collection, query, (window, take, filters) => findWirePage.call(this.service, window, take, filters, wire));
        return wireListResponse(collection, page.items, page.nextPageToken);
      }
      const page = await this.pager.page(collection, query, (window, take, filters) => this.service.findPage(window, take, filters));
      return { [collection]: page.items.map((row) => toDto(row as RowOf<S>)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    }

    @Get(`${collection}/:id`)
    @ApiOperation({ summary: `Get one ${resource}` })
    @ApiOkResponse({ type: model })
    async get(@Param('id') id: string) {
      refuseMalformed([id], () => 'id');
      const [row] = await this.service.findByIds([id]);
      if (!row) throw DomainException.notFound(resource, id);
      return toDto(row as RowOf<S>);
    }
  }

  // A generic parameter type is erased to Object; declare the real one so that the
  // global ValidationPipe validates this resource's filters and OpenAPI documents them.
  Reflect.defineMetadata('design:paramtypes', [listQuery], BatchResourceControllerBase.prototype, 'list');
  return BatchResourceControllerBase;
}

