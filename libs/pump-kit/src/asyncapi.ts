import { EVENTS_OF_SOURCE, type EventSource, type EventType } from '@tributary/contracts';
import { subjectOf, type EventBusSettings } from './event-bus.js';

export interface AsyncApiOptions {
  source: EventSource;
  title: string;
  bus: EventBusSettings;
  /** The service's OpenAPI component schemas: the events carry the same resource. */
  schemas: Record<string, unknown>;
  /** The component schema of the resource its events carry: `CustomerDto`. */
  resourceSchema: string;
  /** Event types that carry another schema than `resourceSchema` (the orders service's placement events). */
  schemaOfType?: Partial<Record<EventType, string>>;
}

/** The component schemas `name` needs: itself and every schema it refers to. */
function reachableSchemas(schemas: Record<string, unknown>, name: string, found: Record<string, unknown> = {}): Record<string, unknown> {
  if (found[name] !== undefined) return found;
  const schema = schemas[name];
  if (schema === undefined) throw new Error(`the OpenAPI document has no schema ${name}`);
  found[name] = schema;
  for (const [, ref] of JSON.stringify(schema).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) reachableSchemas(schemas, ref!, found);
  return found;
}

/**
 * The AsyncAPI 3 document of a service's events: a channel per event type (its NATS
 * subject), the service's send operation on each, and every payload's schema: the
 * envelope of libs/contracts' DomainEvent around the resource schema the service's
 * OpenAPI document already has.
 */
export function asyncApiDocument({ source, title, bus, schemas, resourceSchema, schemaOfType = {} }: AsyncApiOptions): Record<string, unknown> {
  const types: readonly EventType[] = EVENTS_OF_SOURCE[source];
  const envelope = (type: EventType) => ({
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', 'source', 'subject', 'occurredAt', 'data'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'A UUIDv7, unique per event; also the Nats-Msg-Id header: consumers deduplicate by it.' },
      type: { type: 'string', const: type },
      source: { type: 'string', const: source },
      subject: { type: 'string', description: 'The id of the resource.' },
      occurredAt: { type: 'string', format: 'date-time', description: "When the change was written: the resource's updatedAt." },
      data: { $ref: `#/components/schemas/${schemaOfType[type] ?? resourceSchema}` },
      traceparent: {
        type: 'string',
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        description: "When the service traces: the W3C trace context of the write (CloudEvents' distributed tracing extension); also the message's traceparent header.",
      },
    },
  });
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${title}: events`,
      version: '1',
      description:
        'Every write of the service commits with its event in a transactional outbox; a relay publishes the outbox in order. ' +
        'Delivery is at least once: deduplicate by the event id, and apply an event only when its data.updatedAt is newer than what you hold. ' +
        'Each event carries the whole new state of its resource. With no broker configured, the relay delivers straight into the reporting store.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: bus.natsUrl ? new URL(bus.natsUrl).host : 'localhost:4222',
        protocol: 'nats',
        description: `NATS JetStream, stream ${bus.streamPrefix}_${source.toUpperCase()}`,
      },
    },
    channels: Object.fromEntries(
      types.map((type) => [type, { address: subjectOf(bus, source, type), messages: { [type]: { $ref: `#/components/messages/${type}` } } }]),
    ),
    operations: Object.fromEntries(
      types.map((type) => [`publish.${type}`, { action: 'send', channel: { $ref: `#/channels/${type}` }, messages: [{ $ref: `#/channels/${type}/messages/${type}` }] }]),
    ),
    components: {
      messages: Object.fromEntries(
        types.map((type) => [type, { name: type, contentType: 'application/json', payload: { $ref: `#/components/schemas/${type}` } }]),
      ),
      schemas: {
        ...[resourceSchema, ...Object.values(schemaOfType)].reduce((found, name) => reachableSchemas(schemas, name, found), {} as Record<string, unknown>),
        ...Object.fromEntries(types.map((type) => [type, envelope(type)])) },
    },
  };
}
