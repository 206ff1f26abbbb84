/**
 * Sets of IP ranges (CIDR) asked "is this address in one?" per request:
 * institutions' networks and the crawler list an operator keeps. Ranges are
 * parsed with ipaddr.js, merged into sorted intervals, and looked up by
 * binary search, so a list of 100,000 ranges costs what a short one does.
 * IPv4 and IPv6 are kept apart; an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, as a dual-stack socket reports) is read as IPv4.
 */
import ipaddr from "ipaddr.js";

/** More ranges than this in one list is refused (the published crawler lists hold a few hundred). */
export const MAX_RANGES = 200_000;

type Interval = [bigint, bigint];

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function merge(list: Interval[]): Interval[] {
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const r of list) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1n) {
      if (r[1] > last[1]) last[1] = r[1];
    } else out.push([r[0], r[1]]);
  }
  return out;
}

function within(list: readonly Interval[], n: bigint): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = list[mid]!;
    if (n < start) hi = mid - 1;
    else if (n > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** One range: "192.0.2.0/24", "2001:db8::/32", or a single address. Throws with a readable message. */
export function parseRange(text: string): { v6: boolean; interval: Interval } {
  const t = text.trim();
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    if (t.includes("/")) [addr, bits] = ipaddr.parseCIDR(t);
    else {
      addr = ipaddr.parse(t);
      bits = addr.kind() === "ipv4" ? 32 : 128;
    }
  } catch {
    throw new Error(
      `"${t.slice(0, 60)}" is not an IP address or CIDR range (write 192.0.2.0/24 or 2001:db8::/32)`,
    );
  }
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    bits = Math.max(0, bits - 96);
  }
  const width = addr.kind() === "ipv4" ? 32 : 128;
  const start = toBigInt(addr.toByteArray());
  const hostBits = BigInt(width - bits);
  const base = (start >> hostBits) << hostBits;
  return { v6: width === 128, interval: [base, base + (1n << hostBits) - 1n] };
}

export class IpRanges {
  private constructor(
    private readonly v4: Interval[],
    private readonly v6: Interval[],
    /** How many ranges were given (before merging). */
    readonly count: number,
  ) {}

  static readonly empty = new IpRanges([], [], 0);

  /** Builds the set; throws naming the first bad entry (with its position) or too many entries. */
  static of(ranges: readonly string[]): IpRanges {
    if (ranges.length > MAX_RANGES)
      throw new Error(
        `${ranges.length} ranges: at most ${MAX_RANGES} are accepted; merge neighbouring ranges`,
      );
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    ranges.forEach((r, i) => {
      try {
        const p = parseRange(r);
        (p.v6 ? v6 : v4).push(p.interval);
      } catch (err) {
        throw new Error(`entry ${i + 1}: ${(err as Error).message}`);
      }
    });
    return new IpRanges(merge(v4), merge(v6), ranges.length);
  }

  /** True when the address lies in one of the ranges; an unparsable address is in none. */
  has(address: string | undefined): boolean {
    if (!address || this.count === 0) return false;
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(address);
    } catch {
      return false;
    }
    const n = toBigInt(addr.toByteArray());
    return within(addr.kind() === "ipv4" ? this.v4 : this.v6, n);
  }
}

/**
 * Reads a crawler list as operators get them: one range per line (`#`
 * comments, blank lines), or a search engine's published JSON
 * (`{"prefixes": [{"ipv4Prefix": "…"}, {"ipv6Prefix": "…"}]}`).
 */
export function rangesFromText(text: string): string[] {
  const t = text.trim();
  if (t.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (err) {
      throw new Error(`not valid JSON (${(err as Error).message})`);
    }
    const prefixes = (doc as { prefixes?: unknown }).prefixes;
    if (!Array.isArray(prefixes))
      throw new Error(`a JSON list must hold "prefixes": [{"ipv4Prefix": "…"}, {"ipv6Prefix": "…"}]`);
    return prefixes.flatMap((p: unknown) => {
      const o = p as { ipv4Prefix?: unknown; ipv6Prefix?: unknown };
      const v = typeof o.ipv4Prefix === "string" ? o.ipv4Prefix : o.ipv6Prefix;
      return typeof v === "string" ? [v] : [];
    });
  }
  return t
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "");
}
