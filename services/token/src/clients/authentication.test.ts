import { describe, expect, test } from '@gatehouse/testing';
import { parseBasicCredentials } from './authentication.ts';

const header = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('HTTP Basic client credentials (RFC 6749 §2.3.1)', () => {
  test.for([
    [header('client:secret'), { clientId: 'client', secret: 'secret' }],
    [header('client:se:cret'), { clientId: 'client', secret: 'se:cret' }],
    // Both parts are form-urlencoded before encoding: "%3A" is a colon, "+" a space.
    [header('my%3Aclient:p%40ss+word'), { clientId: 'my:client', secret: 'p@ss word' }],
    [header('client:'), { clientId: 'client', secret: '' }],
    [`basic   ${Buffer.from('c:s').toString('base64')}`, { clientId: 'c', secret: 's' }],
    [header('no-colon'), undefined],
    [header(':secret'), undefined],
    [header('bad%ZZ:secret'), undefined],
    ['Basic', undefined],
    ['Basic !!!', undefined],
    ['Bearer abc', undefined],
  ] as const)('%s', ([value, expected]) => {
    expect(parseBasicCredentials(value)).toEqual(expected);
  });
});
