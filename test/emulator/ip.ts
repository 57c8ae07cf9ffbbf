/**
 * IPv4 helpers and the emulator's address pools. Reserved global addresses come from
 * 198.18.0.0/16 and ephemeral forwarding-rule addresses from 198.19.0.0/16 (together RFC 2544's
 * benchmarking range, never routed); VM addresses come from each region's auto-mode subnet
 * (us-central1 10.128.0.0/20, europe-west1 10.132.0.0/20, asia-east1 10.140.0.0/20, ...).
 */

/** `a.b.c.d` as an unsigned 32-bit integer, or undefined if it is not an IPv4 literal. */
export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

/** The dotted form of an unsigned 32-bit integer. */
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True if `ip` lies in `cidr` (`10.4.0.0/14`; a bare IP is a /32). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const b = ipToInt(base ?? '');
  const i = ipToInt(ip);
  const n = Number(bits);
  if (b === undefined || i === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return (b & mask) >>> 0 === (i & mask) >>> 0;
}

/** True if `cidr` is a well-formed IPv4 CIDR or literal. */
export function isCidr(cidr: string): boolean {
  const [base, bits, extra] = cidr.split('/');
  if (extra !== undefined || ipToInt(base ?? '') === undefined) return false;
  return bits === undefined || (/^\d{1,2}$/.test(bits) && Number(bits) <= 32);
}

const REGION_SUBNETS: Record<string, string> = {
  'us-central1': '10.128.0.0',
  'europe-west1': '10.132.0.0',
  'us-west1': '10.138.0.0',
  'asia-east1': '10.140.0.0',
  'us-east1': '10.142.0.0',
};

/** The region of a zone (`us-central1-a` → `us-central1`). */
export function regionOf(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

/** The base address of a region's default subnet (a /20). */
export function regionSubnet(region: string): string {
  const known = REGION_SUBNETS[region];
  if (known) return known;
  let h = 0;
  for (const c of region) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return intToIp((ipToInt('10.160.0.0') as number) + (h % 64) * 4096);
}

/** Hands out addresses from named pools, skipping any the caller says are taken. */
export class IpAllocator {
  #next = new Map<string, number>();

  /**
   * The next free address of `pool` (`static`, `ephemeral`, or `region:<name>`); throws RangeError
   * when the pool is exhausted.
   */
  allocate(pool: string, taken: (ip: string) => boolean): string {
    const [base, size] = this.#pool(pool);
    let offset = this.#next.get(pool) ?? 2;
    for (let tries = 0; tries < size; tries++, offset++) {
      if (offset >= size - 1) offset = 2;
      const ip = intToIp(base + offset);
      if (!taken(ip)) {
        this.#next.set(pool, offset + 1);
        return ip;
      }
    }
    throw new RangeError(`address pool ${pool} is exhausted`);
  }

  /** Starts every pool from its beginning again. */
  clear(): void {
    this.#next.clear();
  }

  #pool(pool: string): [number, number] {
    if (pool === 'static') return [ipToInt('198.18.0.0') as number, 65536];
    if (pool === 'ephemeral') return [ipToInt('198.19.0.0') as number, 65536];
    if (pool.startsWith('region:')) return [ipToInt(regionSubnet(pool.slice(7))) as number, 4096];
    throw new RangeError(`unknown address pool ${pool}`);
  }
}
