/**
 * IPv4 arithmetic for pod ranges: each member cluster gets a pod CIDR, each node a /24 of it (as
 * GKE's VPC-native clusters give each node an alias range), each pod an address of its node's
 * range. Pure.
 */
import { SimulatorConfigError } from './errors.ts';

/** A parsed IPv4 CIDR. */
export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly bits: number;
}

/** Parses `a.b.c.d/n`; throws SimulatorConfigError when it is not one, or has host bits set. */
export function parseCidr(text: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  const parts = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : NaN;
  if (!m || parts.some((p) => p > 255) || bits > 32)
    throw new SimulatorConfigError(`not an IPv4 CIDR: ${text}`);
  const base = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  if ((base & ~maskOf(bits)) >>> 0 !== 0) throw new SimulatorConfigError(`CIDR ${text} has host bits set`);
  return { base, bits };
}

/** The dotted form of an unsigned 32-bit address. */
export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The text form of a CIDR. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.bits}`;
}

/** The `index`-th subnet of prefix length `bits` inside `parent`; throws when there is none. */
export function subnet(parent: Cidr, bits: number, index: number): Cidr {
  if (bits < parent.bits || bits > 32)
    throw new SimulatorConfigError(`a /${bits} does not fit in a /${parent.bits}`);
  const count = 2 ** (bits - parent.bits);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new SimulatorConfigError(`${formatCidr(parent)} has no /${bits} number ${index} (it has ${count})`);
  }
  return { base: (parent.base + index * 2 ** (32 - bits)) >>> 0, bits };
}

/** True if `ip` (dotted) lies inside `cidr`. */
export function contains(cidr: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && (n & maskOf(cidr.bits)) >>> 0 === cidr.base;
}

/** True if two CIDRs share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return (a.base & maskOf(bits)) >>> 0 === (b.base & maskOf(bits)) >>> 0;
}

/** `a.b.c.d` as an unsigned 32-bit integer, or undefined. */
export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Hands out the addresses of one node's pod range: never the network address, the gateway (the
 * first host, as on GKE's cbr0) or the broadcast address; lowest free first, so a restart that
 * re-registers the addresses in use continues without clashes.
 */
export class PodIpAllocator {
  readonly range: Cidr;
  readonly #used = new Set<number>();

  constructor(range: Cidr) {
    this.range = range;
  }

  /** Marks `ip` as used (an address a pod already holds); false if it is outside the range. */
  claim(ip: string): boolean {
    const n = ipToInt(ip);
    if (n === undefined || !contains(this.range, ip)) return false;
    this.#used.add(n);
    return true;
  }

  /** The lowest free address; throws SimulatorConfigError when the range is full. */
  allocate(): string {
    const size = 2 ** (32 - this.range.bits);
    for (let offset = 2; offset < size - 1; offset++) {
      const n = (this.range.base + offset) >>> 0;
      if (!this.#used.has(n)) {
        this.#used.add(n);
        return formatIp(n);
      }
    }
    throw new SimulatorConfigError(`pod range ${formatCidr(this.range)} is full`);
  }

  /** Returns `ip` to the pool (no-op for an address it never handed out). */
  release(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.#used.delete(n);
  }

  /** How many addresses are in use. */
  get size(): number {
    return this.#used.size;
  }
}
