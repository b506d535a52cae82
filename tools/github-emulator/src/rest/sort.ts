export type Direction = 'asc' | 'desc';

/** A sorted copy; ties keep their original order so pages stay stable across requests. */
export function sortItems<T>(
  items: readonly T[],
  key: (item: T) => string | number,
  direction: Direction,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    if (typeof left === 'string' && typeof right === 'string') return sign * left.localeCompare(right);
    return sign * (Number(left) - Number(right));
  });
}
