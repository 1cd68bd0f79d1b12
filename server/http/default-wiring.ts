/**
 * The real collaborators behind startLabServer's defaults: the session registry, the step engine per session,
 * and the manifests read from the docs. Kept apart so server.ts reads as routing, and tests can inject fakes.
 */
import type {Backend} from '../backends/types';
import type {LabOptions} from '../config/options';
import type {Logger} from '../config/logger';
import {createVerifyRunner} from '../engine/verify-runner';
import type {ManifestIndex, StepEngine} from '../engine/types';
import {collectManifests} from '../manifests/collect';
import type {TerminalSession} from '../sessions/types';
import type {SessionSource} from './session-channels';

export function defaultManifests(repoRoot: string): Promise<ManifestIndex> {
  return collectManifests(repoRoot);
}

export async function defaultSessions(options: LabOptions, backend: Backend, logger: Logger): Promise<SessionSource> {
  // TODO(wiring): construct server/sessions/session-registry.ts's SessionRegistry once it lands.
  void options;
  void backend;
  void logger;
  throw new Error('session registry not wired yet');
}

export function defaultEngineFactory(
  backend: Backend,
  manifests: ManifestIndex,
): (session: TerminalSession) => Promise<StepEngine> {
  return async session => {
    const runVerify = createVerifyRunner(await backend.shellEnvironment(session.info.learner));
    // TODO(wiring): new SessionStepEngine({session, manifests, runVerify}) once server/engine/step-engine.ts lands.
    void runVerify;
    void manifests;
    throw new Error('step engine not wired yet');
  };
}
