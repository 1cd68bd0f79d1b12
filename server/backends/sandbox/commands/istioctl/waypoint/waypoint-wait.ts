/**
 * Waiting for a waypoint's `Programmed` condition (set by the mesh controller): --waypoint-timeout, bounded by the
 * sandbox's limit.
 */
import type {ObjectStore} from '../../../api/store';
import {str, type RunContext} from '../command';
import {parseGoDuration} from '../go-duration';
import {sleep} from '../install/readiness';
import {isProgrammed} from './waypoint-gateway';
import {getOf} from '../../../api/kinds';

export async function waitProgrammed(ctx: RunContext, store: ObjectStore, ns: string, name: string): Promise<boolean> {
  // --waypoint-timeout (waypointTimeout), within the sandbox's own bound
  const flag = parseGoDuration(str(ctx.flags['waypoint-timeout'], '1m30s')) / 1e6;
  const deadline = Date.now() + Math.min(flag, ctx.opts.readinessTimeoutMs);
  for (;;) {
    const gw = getOf(store, 'gateways', ns, name);
    if (gw && isProgrammed(gw)) return true;
    if (Date.now() > deadline || ctx.io.signal.aborted) return false;
    await sleep(ctx.opts.pollMs, ctx.io.signal);
  }
}
