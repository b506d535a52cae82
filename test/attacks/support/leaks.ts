// Secrets handled by a suite must never surface in a service's output, an event, or an error body.
import { expect } from '@gatehouse/testing';

/** Every secret value the suite handled, to grep for at the end. */
export class SecretLedger {
  readonly values = new Set<string>();

  add(...values: (string | undefined | null)[]): void {
    for (const value of values) if (value && value.length >= 8) this.values.add(value);
  }

  /** Secrets from a token response. */
  addTokens(body: Record<string, unknown> | undefined): void {
    if (!body) return;
    this.add(body.access_token as string, body.refresh_token as string);
    // The signature alone is what matters for a JWT: a leaked header/payload is not a credential.
    const signature = String(body.access_token ?? '').split('.')[2];
    this.add(signature);
  }

  expectAbsentFrom(label: string, haystack: string): void {
    const found = [...this.values].filter((secret) => haystack.includes(secret));
    expect(found.map((secret) => `${secret.slice(0, 6)}… in ${label}`)).toEqual([]);
  }
}
