import { Writable } from 'node:stream';

export interface CapturedLogs {
  stream: Writable;
  lines(): Record<string, unknown>[];
  text(): string;
}

/** A pino destination that keeps every line, so a test can assert what was (not) logged. */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
