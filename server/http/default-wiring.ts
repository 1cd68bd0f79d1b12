/**
 * The real collaborators behind startLabServer's defaults: the session registry, the step engine per session,
 * and the manifests read from the docs. Kept apart so server.ts reads as routing, and tests can inject fakes.
 */
import type {Backend} from '../backends/types';
import type {LabOptions} from '../config/options';
import type {Logger} from '../config/logger';
import {SessionStepEngine} from '../engine/step-engine';
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
    // verify commands run beside the shell, in the same environment and directory the backend gives it
    const runVerify = createVerifyRunner(await backend.shellEnvironment(session.info.learner));
    return new SessionStepEngine({session, manifests, runVerify});
  };
}
