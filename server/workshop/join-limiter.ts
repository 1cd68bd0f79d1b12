/**
 * Wrong join codes are rate limited, right ones are not: a room behind one conference NAT joins 50 people from one
 * address within seconds (a per-address limit on every join would refuse them), while guessing needs many wrong tries.
 * Token buckets per address and for the whole server; the clock is injected.
 */
export interface JoinLimiterOptions {
  /** wrong codes one address may try in a burst, refilled at perAddressPerMinute */
  perAddressBurst: number;
  perAddressPerMinute: number;
  /** wrong codes the whole server accepts in a burst, refilled at globalPerMinute */
  globalBurst: number;
  globalPerMinute: number;
  now?: () => number;
}

export const DEFAULT_JOIN_LIMITS: JoinLimiterOptions = {
  perAddressBurst: 10,
  perAddressPerMinute: 10,
  globalBurst: 60,
  globalPerMinute: 60,
};

interface Bucket {
  tokens: number;
  at: number;
}

/** addresses remembered at most; the oldest are forgotten first (a flood of spoofed sources cannot grow memory) */
const MAX_ADDRESSES = 10_000;

export class JoinLimiter {
  private readonly addresses = new Map<string, Bucket>();
  private readonly global: Bucket;
  private readonly now: () => number;

  constructor(private readonly opts: JoinLimiterOptions = DEFAULT_JOIN_LIMITS) {
    this.now = opts.now ?? Date.now;
    this.global = {tokens: opts.globalBurst, at: this.now()};
  }

  /** may this address try a code now? When not, how long until it may (ms) */
  check(address: string): {ok: true} | {ok: false; retryAfterMs: number} {
    const t = this.now();
    const own = this.refilled(this.addresses.get(address), t, this.opts.perAddressBurst, this.opts.perAddressPerMinute);
    const all = this.refilled(this.global, t, this.opts.globalBurst, this.opts.globalPerMinute);
    if (own.tokens >= 1 && all.tokens >= 1) return {ok: true};
    const wait = (b: Bucket, perMinute: number) =>
      b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) * 60_000) / perMinute);
    return {
      ok: false,
      retryAfterMs: Math.max(wait(own, this.opts.perAddressPerMinute), wait(all, this.opts.globalPerMinute)),
    };
  }

  /** a wrong code was tried: it costs a token of the address and of the server */
  failed(address: string): void {
    const t = this.now();
    const own = this.refilled(this.addresses.get(address), t, this.opts.perAddressBurst, this.opts.perAddressPerMinute);
    own.tokens = Math.max(0, own.tokens - 1);
    this.addresses.delete(address); // re-insert: Map order is the eviction order (least recently failed first)
    this.addresses.set(address, own);
    if (this.addresses.size > MAX_ADDRESSES) this.addresses.delete(this.addresses.keys().next().value!);
    const all = this.refilled(this.global, t, this.opts.globalBurst, this.opts.globalPerMinute);
    this.global.tokens = Math.max(0, all.tokens - 1);
    this.global.at = all.at;
  }

  private refilled(b: Bucket | undefined, t: number, burst: number, perMinute: number): Bucket {
    if (!b) return {tokens: burst, at: t};
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) * perMinute) / 60_000);
    b.at = t;
    return b;
  }
}
