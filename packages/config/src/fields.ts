import { z } from 'zod';

/** A TCP port; 0 asks the OS for a free one (tests). */
export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** An absolute URL whose scheme is one of `protocols`. */
export const envUrl = (protocols: readonly string[], fallback?: string) => {
  const url = z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(', ')})` },
  );
  return fallback === undefined ? url : url.default(fallback);
};

/** `true`/`false`/`1`/`0`/`yes`/`no`, case-insensitive. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'True', 'False'])
    .transform((value) => ['true', '1', 'yes'].includes(value.toLowerCase()))
    .default(fallback);

/** A comma-separated list; blanks dropped. */
export const envList = (fallback: readonly string[] = []) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .default([...fallback]);

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `15m`, `30s`, `500ms`, `7d`, or a bare number of seconds; parsed to milliseconds. */
export const envDuration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration such as 30s, 15m, 12h, 7d')
    .default(fallback)
    .transform((value) => {
      const [, amount = '0', unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(value) ?? [];
      return Number(amount) * (durationUnits[unit] ?? 1_000);
    });
