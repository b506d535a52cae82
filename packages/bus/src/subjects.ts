import { type DescMethod, getOption, hasOption } from '@bufbuild/protobuf';
import { subject as subjectOption } from '@gatehouse/proto';

/** The NATS subject a proto method is served on, from its `(gatehouse.bus.v1.subject)` option. */
export function subjectOf(method: DescMethod): string {
  if (!hasOption(method, subjectOption)) {
    throw new Error(`${method.parent.typeName}.${method.name} has no (gatehouse.bus.v1.subject) option`);
  }
  return getOption(method, subjectOption);
}

/** Applies an environment prefix (NATS_SUBJECT_PREFIX) to a subject. */
export function prefixed(prefix: string, subject: string): string {
  return prefix ? `${prefix}.${subject}` : subject;
}

/** The owner segment of `rpc.<owner>.…` or `evt.<owner>.…`: the queue group a service joins. */
export function ownerOf(subject: string): string {
  return subject.split('.')[1] ?? subject;
}
