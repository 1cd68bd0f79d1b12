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
import {SessionRegistry} from '../sessions/session-registry';
import type {TerminalSession} from '../sessions/types';
import type {SessionSource} from './session-channels';

export function defaultManifests(repoRoot: string): Promise<ManifestIndex> {
  return collectManifests(repoRoot);
}

export function defaultSessions(options: LabOptions, backend: Backend, logger: Logger): SessionSource {
  return new SessionRegistry({
    shellEnvironment: (learner) => backend.shellEnvironment(learner),
    maxSessionsPerLearner: options.maxSessionsPerLearner,
    detachGraceMs: options.detachGraceMs,
    idleTimeoutMs: options.idleTimeoutMs,
    scrollbackBytes: options.scrollbackBytes,
    logger,
  });
}

export function defaultEngineFactory(
  backend: Backend,
  manifests: ManifestIndex,
): (session: TerminalSession) => Promise<StepEngine> {
  return async (session) => {
    // verify commands run beside the shell, in the same environment and directory the backend gives it
    const runVerify = createVerifyRunner(await backend.shellEnvironment(session.info.learner));
    return new SessionStepEngine({session, manifests, runVerify});
  };
}
