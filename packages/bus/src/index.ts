export { Bus, type BusOptions } from './bus.ts';
export { type DeadlineSignal, deadlineSignal } from './deadline.ts';
export {
  BusError,
  type BusErrorOptions,
  busError,
  ERROR_STATUS,
  type ErrorCode,
  isDependencyOutage,
  isErrorCode,
  toBusError,
} from './errors.ts';
export { type EventInput, EventPublisher } from './events.ts';
export { DEFAULT_TIMEOUT_MS, type RequestOptions, type RpcContext, type ServiceHandlers } from './rpc.ts';
export { type EventStreamOptions, ensureEventStream, eventStreamName } from './stream.ts';
export { ownerOf, prefixed, subjectOf } from './subjects.ts';
