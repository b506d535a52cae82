import type { EventSink } from '../events.ts';
import type { KeyRing } from './keys.ts';

/**
 * Rotates the signing keys: the pre-published next key starts signing, the current one retires
 * (still published until its tokens have expired), and a new next key is published. `scheduled`
 * rotates only when the current key has served KEY_ROTATION_INTERVAL, re-checked under the store's
 * lock so replicas never rotate twice. Returns the signing kid after the call.
 */
export async function rotateKeys(
  deps: { keys: KeyRing; events: EventSink },
  trigger: 'manual' | 'scheduled',
): Promise<string> {
  if (trigger === 'scheduled' && !deps.keys.rotationDue()) return deps.keys.signingKey().kid;
  const rotatedTo = await deps.keys.rotate({ onlyIfDue: trigger === 'scheduled' });
  if (rotatedTo) {
    deps.events.emit({
      type: 'token.key.rotated',
      outcome: 'success',
      details: { kid: rotatedTo, trigger },
    });
  }
  return deps.keys.signingKey().kid;
}
