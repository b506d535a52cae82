import { type JsonObject, toJson } from '@bufbuild/protobuf';
import { type Event, EventSchema } from '@gatehouse/proto';

/**
 * An event as JSON: protobuf's canonical JSON mapping with the .proto field names (snake_case,
 * RFC 3339 times, enum names, empty fields left out). The audit CLI prints the same form.
 */
export function eventJson(event: Event): JsonObject {
  return toJson(EventSchema, event, { useProtoFieldName: true }) as JsonObject;
}
