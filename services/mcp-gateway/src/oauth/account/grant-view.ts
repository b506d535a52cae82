import { timestampDate } from '@bufbuild/protobuf/wkt';
import { isScope, SCOPES, type token } from '@gatehouse/proto';
import type { GrantView, ScopeView } from '../../pages/views.ts';

const DATE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "3 hours ago", "yesterday"; older than a month, the date itself. */
function sinceText(date: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds >= 30 * 86_400) return `on ${DATE.format(date)}`;
  const [unit, size] = UNITS.find(([, size]) => seconds >= size) ?? ['minute', 60];
  return RELATIVE.format(-Math.floor(seconds / size), unit);
}

/** A scope by its catalog title; one the catalog no longer has is shown by name. */
export function scopeView(name: string): ScopeView {
  return isScope(name)
    ? { name, title: SCOPES[name].title, description: SCOPES[name].description }
    : { name, title: name, description: '' };
}

export function grantView(grant: token.Grant, now = new Date()): GrantView {
  const created = grant.createdAt ? timestampDate(grant.createdAt) : now;
  const lastUsed = grant.lastUsedAt ? timestampDate(grant.lastUsedAt) : undefined;
  return {
    id: grant.id,
    clientName: grant.clientName || grant.clientId,
    redirectHost: grant.redirectHost,
    scopes: grant.scopes.map(scopeView),
    grantedAt: { iso: created.toISOString(), text: DATE.format(created) },
    lastUsed: lastUsed ? { iso: lastUsed.toISOString(), text: sinceText(lastUsed, now) } : null,
  };
}
