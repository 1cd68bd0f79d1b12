/** Waiting for a waypoint's `Programmed` condition (set by the mesh controller), bounded by the sandbox's limit. */
import type {ObjectStore} from '../../../api/store';
import type {RunContext} from '../command';
import {sleep} from '../install/readiness';
import {isProgrammed} from './waypoint-gateway';
import {getOf} from '../../../api/kinds';

export async function waitProgrammed(ctx: RunContext, store: ObjectStore, ns: string, name: string): Promise<boolean> {
  const deadline = Date.now() + ctx.opts.readinessTimeoutMs;
  for (;;) {
    const gw = getOf(store, 'gateways', ns, name);
    if (gw && isProgrammed(gw)) return true;
    if (Date.now() > deadline || ctx.io.signal.aborted) return false;
    await sleep(ctx.opts.pollMs, ctx.io.signal);
  }
}
