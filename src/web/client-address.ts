import { BlockList, isIP } from 'node:net';

/** The proxies (an ingress, a load balancer) whose X-Forwarded-For the web process believes. */
export interface TrustedProxies {
  list: BlockList;
  /** As configured, for logs and docs. */
  entries: string[];
}

/** Reads `WEB_TRUSTED_PROXIES`: comma-separated IPv4/IPv6 addresses and CIDRs; every malformed entry is a problem. */
export function parseTrustedProxies(text: string): TrustedProxies | { problems: string[] } {
  const list = new BlockList();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const problems: string[] = [];
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : Number(prefix);
    if (family === 0 || extra !== undefined || !/^\d+$/.test(prefix ?? String(bits)) || length > bits) {
      problems.push(`'${entry}' is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8, 192.0.2.7)`);
      continue;
    }
    list.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
  }
  return problems.length > 0 ? { problems } : { list, entries };
}

/**
 * The address of the client behind a request. The socket peer, unless it is a trusted proxy: then X-Forwarded-For is
 * read from the right (each proxy appends the address it was called from) and the first address that is not itself a
 * trusted proxy is the client. Entries left of it were written by the client and are never believed.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  let client = normalize(socketAddress ?? '') ?? 'unknown';
  if (!isTrusted(client, trusted)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const hop of hops.reverse()) {
    const address = normalize(hop);
    // A malformed hop was written by someone we cannot vouch for: stop at the last proxy that handed it on.
    if (address === undefined) return client;
    client = address;
    if (!isTrusted(address, trusted)) return address;
  }
  return client;
}

/**
 * The rate-limit key of a client address: the address itself for IPv4, its /64 for IPv6, since one IPv6 host
 * usually owns a whole /64 and could otherwise take a fresh bucket for every request.
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** An address as an IP string: IPv4-mapped IPv6 becomes IPv4; `[v6]:port` and `v4:port` lose the port; else undefined. */
function normalize(raw: string): string | undefined {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}

/** The eight 16-bit groups of an IPv6 address, as four-digit hex. */
function expandIpv6(address: string): string[] {
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => g.padStart(4, '0'));
}
