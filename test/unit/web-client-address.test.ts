import { addressKey, clientAddress, parseTrustedProxies, type TrustedProxies } from '../../src/web/client-address';

const trusted = (text: string) => parseTrustedProxies(text) as TrustedProxies;

describe('the client address of a web request', () => {
  const proxies = trusted('10.0.0.0/8, 192.0.2.7, fd00::/8, ::1');

  test.each([
    [
      'a direct client is its socket address; its X-Forwarded-For is ignored',
      '198.51.100.4',
      '203.0.113.1',
      '198.51.100.4',
    ],
    ['a trusted proxy without X-Forwarded-For is the client', '10.1.2.3', undefined, '10.1.2.3'],
    ['behind a trusted proxy, the right-most untrusted hop', '10.1.2.3', '203.0.113.1, 198.51.100.9', '198.51.100.9'],
    ['trusted hops on the right are skipped', '10.1.2.3', '198.51.100.9, 10.9.9.9, 192.0.2.7', '198.51.100.9'],
    ['every hop trusted: the left-most', '10.1.2.3', '10.5.5.5, 10.6.6.6', '10.5.5.5'],
    ['a malformed hop stops at the proxy that handed it on', '10.1.2.3', '198.51.100.9, not-an-ip', '10.1.2.3'],
    ['ports are dropped', '10.1.2.3', '198.51.100.9:4711', '198.51.100.9'],
    ['IPv4-mapped socket addresses count as IPv4', '::ffff:10.1.2.3', '198.51.100.9', '198.51.100.9'],
    ['an IPv6 proxy and an IPv6 client', 'fd12::1', '2001:DB8::7, fd34::2', '2001:db8::7'],
    ['bracketed IPv6 with a port', '::1', '[2001:db8::7]:443', '2001:db8::7'],
    ['repeated headers are read as one list', '10.1.2.3', ['203.0.113.1', '198.51.100.9'], '198.51.100.9'],
  ])('%s', (_what, socket, xff, expected) => {
    expect(clientAddress(socket, xff, proxies)).toBe(expected);
  });

  test('nothing is trusted by default', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.1', trusted(''))).toBe('127.0.0.1');
  });

  test('malformed WEB_TRUSTED_PROXIES entries are each reported', () => {
    expect(parseTrustedProxies('10.0.0.0/8, 10.0.0.0/33, fd00::/129, example.com, 1.2.3.4/x')).toEqual({
      problems: [
        expect.stringContaining("'10.0.0.0/33'"),
        expect.stringContaining("'fd00::/129'"),
        expect.stringContaining("'example.com'"),
        expect.stringContaining("'1.2.3.4/x'"),
      ],
    });
  });

  test('IPv6 clients share a rate-limit key per /64; IPv4 ones have their own', () => {
    expect(addressKey('2001:db8::1')).toBe(addressKey('2001:db8:0:0:ffff::2'));
    expect(addressKey('2001:db8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8::1'));
    expect(addressKey('198.51.100.9')).toBe('198.51.100.9');
  });
});
