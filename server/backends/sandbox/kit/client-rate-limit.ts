import type {Clock} from './clock';

/** A client's requests per second and burst, as its component's `--kube-api-qps` / `--kube-api-burst` set them. */
export interface ClientRate {
  qps: number;
  burst: number;
}

/**
 * kube-controller-manager's defaults (`--kube-api-qps 20 --kube-api-burst 30`; k3s passes neither). With
 * `--use-service-account-credentials` (k3s sets it) every controller has a client of its own, so each controller
 * has this budget to itself: a ReplicaSet of 100000 replicas gets about 20 pods a second, not as many as the API
 * server can take.
 */
export const CONTROLLER_MANAGER_RATE: ClientRate = {qps: 20, burst: 30};

/**
 * client-go's token bucket (flowcontrol.NewTokenBucketRateLimiter over golang.org/x/time/rate): full at the start,
 * refilled at `qps` tokens a second up to `burst`. client-go blocks a request until its token comes; a controller
 * here takes what there is and asks its work queue to come back when the next token is due.
 */
export class ClientRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    readonly rate: ClientRate,
  ) {
    this.tokens = rate.burst;
    this.last = clock.now().getTime();
  }

  /** up to `n` requests now: how many may go */
  take(n: number): number {
    this.refill();
    const granted = Math.max(0, Math.min(n, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  /** ms until the next request may go (0 when one may go now) */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate.qps);
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    // a clock set back (tests, a resumed machine) refills nothing rather than draining
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.rate.burst, this.tokens + (elapsed * this.rate.qps) / 1000);
  }
}
