import { type DescMethod, getOption, hasOption } from '@bufbuild/protobuf';
import { subject as subjectOption } from '@gatehouse/proto';

// Reading a custom option decodes it from the descriptor each time: it was ~3 % of the gateway's
// CPU on the request path, for a value fixed per method.
const subjects = new WeakMap<DescMethod, string>();

/** The NATS subject a proto method is served on, from its `(gatehouse.bus.v1.subject)` option. */
export function subjectOf(method: DescMethod): string {
  let subject = subjects.get(method);
  if (subject === undefined) {
    if (!hasOption(method, subjectOption)) {
      throw new Error(`${method.parent.typeName}.${method.name} has no (gatehouse.bus.v1.subject) option`);
    }
    subject = getOption(method, subjectOption);
    subjects.set(method, subject);
  }
  return subject;
}

/** Applies an environment prefix (NATS_SUBJECT_PREFIX) to a subject. */
export function prefixed(prefix: string, subject: string): string {
  return prefix ? `${prefix}.${subject}` : subject;
}

/** The owner segment of `rpc.<owner>.…` or `evt.<owner>.…`: the queue group a service joins. */
export function ownerOf(subject: string): string {
  return subject.split('.')[1] ?? subject;
}
