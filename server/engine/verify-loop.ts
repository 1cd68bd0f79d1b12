/**
 * Retries a step's verify command until its checks hold or its timeout passes, with backoff (0.25 s, then each wait
 * 1.5 times the last, at most 2 s): for what becomes true later, like pods turning Ready. Like istio.io's `_verify_*` helpers, the
 * last attempt's output is what the failure reports. Most verifies hold within a second or two (an access log
 * flushed, a rollout done), so the first retries come soon; the cap keeps a long wait (an install on a real
 * cluster) at one attempt every 2 s.
 */
import type {StepFailure} from '../../src/core/protocol/messages';
import {evaluateChecks} from '../../src/core/steps/checks';
import type {VerifySpec} from '../../src/core/steps/types';
import {sleep, type EngineClock} from './clock';
import type {VerifyRunner} from './verify-runner';

export interface BackoffOptions {
  /** first wait between attempts (default 0.25 s) */
  initialDelayMs: number;
  /** longest wait between attempts (default 2 s) */
  maxDelayMs: number;
  /** each wait is the last one times this (default 1.5) */
  multiplier: number;
  /** longest one attempt may run (default 30s, never past the verify timeout) */
  attemptTimeoutMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 250,
  maxDelayMs: 2000,
  multiplier: 1.5,
  attemptTimeoutMs: 30_000,
};

export async function verifyWithBackoff(
  verify: VerifySpec,
  runVerify: VerifyRunner,
  clock: EngineClock,
  backoff: BackoffOptions = DEFAULT_BACKOFF,
  isCancelled: () => boolean = () => false,
): Promise<StepFailure | null> {
  const started = clock.now();
  const deadline = started + verify.timeoutMs;
  let delay = backoff.initialDelayMs;
  let attempts = 0;
  let last: StepFailure | undefined;
  for (;;) {
    attempts++;
    const timeoutMs = Math.max(1, Math.min(backoff.attemptTimeoutMs, deadline - clock.now()));
    const outcome = await runVerify(verify.command, {timeoutMs});
    const failure = outcome.timedOut
      ? {check: 'timeout', expected: `finishes within ${seconds(timeoutMs)}`, actual: outcome.output}
      : evaluateChecks({exitCode: verify.exitCode, expect: verify.expect}, outcome);
    if (failure === null) return null;
    // an attempt cut short by the verify's own deadline says nothing new ("finishes within 0s"): the attempt
    // before it is what the learner needs to see
    const cutByDeadline = outcome.timedOut && timeoutMs < backoff.attemptTimeoutMs && attempts > 1;
    if (!cutByDeadline) last = failure;
    const left = deadline - clock.now();
    if (left <= 0 || isCancelled()) break;
    await sleep(clock, Math.min(delay, left));
    delay = Math.min(delay * backoff.multiplier, backoff.maxDelayMs);
  }
  last ??= {check: 'timeout', expected: `finishes within ${seconds(verify.timeoutMs)}`, actual: ''};
  return {
    check: `verify: ${verify.command}`,
    expected: `${last.check}: ${last.expected}`,
    actual: `${last.actual}\n(${attempts} attempt${attempts === 1 ? '' : 's'} in ${seconds(clock.now() - started)})`,
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
