/** IPv4 CIDR arithmetic for validating subnet layouts. */

export interface Ipv4Range {
  /** First address as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address (inclusive) as an unsigned 32-bit integer. */
  readonly end: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns undefined for anything else, including a
 * network address with host bits set (`10.0.1.5/24`), which AWS rejects.
 */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const start = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return undefined;
  return { start, end: start + size - 1, prefix };
}

export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}
