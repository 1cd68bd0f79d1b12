/**
 * The real collaborators behind startLabServer's defaults: the session registry, the step engine per session,
 * and the step manifests the site build wrote. Kept apart so server.ts reads as routing, and tests can inject fakes.
 */
import type {Backend} from '../backends/types';
import type {LabOptions} from '../config/options';
import type {Logger} from '../config/logger';
import {createStepEngine} from '../engine/create-step-engine';
import type {ManifestIndex, StepEngine} from '../engine/types';
import {loadManifests} from '../manifests/load';
import {SessionRegistry, type SessionRegistryOptions} from '../sessions/session-registry';
import type {TerminalSession} from '../sessions/types';
import type {SessionSource} from './session-channels';

export function defaultManifests(options: LabOptions): Promise<ManifestIndex> {
  return loadManifests(options.manifestDir, options.repoRoot);
}

export function defaultSessions(
  options: LabOptions,
  backend: Backend,
  logger: Logger,
  prepareShell?: SessionRegistryOptions['prepareShell'],
): SessionSource & {closeLearner(learner: string, reason: string): Promise<void>} {
  return new SessionRegistry({
    prepareShell,
    shellEnvironment: (learner) => backend.shellEnvironment(learner),
    maxSessionsPerLearner: options.maxSessionsPerLearner,
    detachGraceMs: options.detachGraceMs,
    idleTimeoutMs: options.idleTimeoutMs,
    scrollbackBytes: options.scrollbackBytes,
    shellRc: options.shellRc,
    logger,
  });
}

export function defaultEngineFactory(
  backend: Backend,
  manifests: ManifestIndex,
): (session: TerminalSession) => Promise<StepEngine> {
  return (session) => createStepEngine({session, backend, manifests});
}
