/** `host:port` of a URL, lower-cased, with the scheme's default port filled in (CIMD_ALLOWED_HOSTS entries). */
export function hostPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return `${url.hostname.toLowerCase()}:${port}`;
}
