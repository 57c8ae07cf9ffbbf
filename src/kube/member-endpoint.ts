/**
 * Choosing and reading a member's API endpoint from a Cluster's `serverEndpoints`. Pure.
 */
import { BlockList, isIP } from 'node:net';
import { ClusterConnectionError } from './member-connection-error.ts';

/** One `spec.kubernetesApiEndpoints.serverEndpoints[]` entry, as stored (both fields optional). */
export interface ServerEndpoint {
  readonly clientCIDR?: string;
  readonly serverAddress?: string;
}

/**
 * The entry to use: among those whose `clientCIDR` holds `controllerAddress`, the one with the
 * longest prefix (the most specific network; the first of equals); else the first entry. An
 * entry whose clientCIDR does not parse (the archived examples wrote `0.0.0.0`) matches no
 * address, and is still eligible as the first entry. Entries without a serverAddress are never
 * chosen. Undefined when no entry has a serverAddress. Never throws.
 */
export function chooseServerEndpoint(
  endpoints: readonly ServerEndpoint[],
  controllerAddress?: string,
): ServerEndpoint | undefined {
  const usable = endpoints.filter(
    (e) => typeof e.serverAddress === 'string' && e.serverAddress.trim() !== '',
  );
  const address = controllerAddress === undefined ? undefined : normaliseAddress(controllerAddress);
  if (address !== undefined) {
    let best: { endpoint: ServerEndpoint; prefix: number } | undefined;
    for (const endpoint of usable) {
      const prefix = matchingPrefix(endpoint.clientCIDR, address);
      if (prefix !== undefined && (best === undefined || prefix > best.prefix)) best = { endpoint, prefix };
    }
    if (best) return best.endpoint;
  }
  return usable[0];
}

/**
 * The https URL of a `serverAddress`: `host`, `host:port`, `[v6]:port`, a bare IPv6 address or
 * an https URL (a path is kept, for API proxies; a trailing slash is dropped). Throws
 * ClusterConnectionError `BadEndpoint` for plain http (the token would travel in clear), another
 * scheme, credentials, a query or a fragment, or text that is not an address. The message quotes
 * the address only when it holds no credentials.
 */
export function toServerUrl(serverAddress: string): string {
  const text = serverAddress.trim();
  const bad = (why: string, quote = true): never => {
    throw new ClusterConnectionError(
      'BadEndpoint',
      quote ? `serverAddress ${JSON.stringify(text)} ${why}` : `serverAddress ${why}`,
    );
  };
  if (text === '') bad('is empty');
  let url: URL;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text)) {
    try {
      url = new URL(text);
    } catch {
      return bad('is not a URL');
    }
    if (url.username !== '' || url.password !== '') bad('carries credentials, which are not allowed', false);
    if (url.protocol === 'http:') bad('uses plain http; the credentials would travel in clear');
    if (url.protocol !== 'https:') bad(`uses ${url.protocol.slice(0, -1)}; only https is supported`);
  } else {
    if (/[/?#@\s]/.test(text)) bad('is neither host[:port] nor an https URL', !text.includes('@'));
    // A bare IPv6 address has colons that would read as a port.
    const host = isIP(text) === 6 ? `[${text}]` : text;
    try {
      url = new URL(`https://${host}`);
    } catch {
      return bad('is neither host[:port] nor an https URL');
    }
  }
  if (url.search !== '' || url.hash !== '') bad('has a query or fragment, which are not allowed');
  if (url.hostname === '') bad('has no host');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

function normaliseAddress(address: string): { ip: string; family: 'ipv4' | 'ipv6' } | undefined {
  let ip = address.trim();
  // Sockets report IPv4 peers on dual-stack listeners as IPv4-mapped IPv6 addresses.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const version = isIP(ip);
  if (version === 4) return { ip, family: 'ipv4' };
  if (version === 6) return { ip, family: 'ipv6' };
  return undefined;
}

function matchingPrefix(
  cidr: string | undefined,
  address: { ip: string; family: 'ipv4' | 'ipv6' },
): number | undefined {
  if (typeof cidr !== 'string') return undefined;
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  const network = match[1]!;
  const prefix = Number(match[2]);
  const version = isIP(network);
  const family = version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
  if (family === undefined || family !== address.family) return undefined;
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return list.check(address.ip, family) ? prefix : undefined;
}
