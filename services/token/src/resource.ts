/**
 * RFC 8707 resource indicators. Gatehouse protects one resource, `${PUBLIC_URL}/mcp`. Clients send
 * it with or without a trailing slash (the MCP SDK sends `URL.href`, and users paste either), so
 * both are accepted on input; tokens always carry the canonical form without it.
 */
export function normalizeResource(value: string): string | undefined {
  if (value.length > 2_048 || value.includes('#')) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const href = url.href;
  return url.pathname.length > 1 && href.endsWith('/') && !url.search ? href.slice(0, -1) : href;
}

/** Whether `value` names the protected resource `canonical` (RFC 8707 §2). */
export function isResource(value: string, canonical: string): boolean {
  return normalizeResource(value) === canonical;
}
