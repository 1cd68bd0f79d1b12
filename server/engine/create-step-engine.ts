/**
 * The one way to build a step engine for a terminal session, used by the lab server (one per browser session) and
 * by `lab run`: verify commands run beside the shell with the backend's environment, in the shell's current
 * directory (a step may `cd`), so a step checks the same way whether it ran from a Run button or headless; and a
 * sealed shell (the sandbox's) gets no step typed while its kubectl would not reach the sandbox.
 */
import type {Locale} from '../../src/core/protocol/messages';
import type {Backend} from '../backends/types';
import type {TerminalSession} from '../sessions/types';
import {SessionStepEngine} from './step-engine';
import type {ManifestIndex} from './types';
import {createVerifyRunner} from './verify-runner';

export interface CreateStepEngineOptions {
  session: TerminalSession;
  backend: Backend;
  manifests: ManifestIndex;
  /** locale searched for typed commands before any page is set (default en) */
  defaultLocale?: Locale;
}

export async function createStepEngine(options: CreateStepEngineOptions): Promise<SessionStepEngine> {
  const {session, backend, manifests} = options;
  const backendShell = await backend.shellEnvironment(session.info.learner);
  // the seal the shell itself started with (a workshop attendee's isolated shell has its own environment)
  const shell = session.environment ?? backendShell;
  const runVerify = createVerifyRunner(backendShell, {
    followShellPid: session.info.pid,
    ...(session.environment ? {isolatedEnv: session.environment.env} : {}),
  });
  return new SessionStepEngine({
    session,
    manifests,
    runVerify,
    shell,
    ...(backend.contextProblem ? {contextProblem: () => backend.contextProblem!(session.info.learner)} : {}),
    ...(options.defaultLocale ? {defaultLocale: options.defaultLocale} : {}),
  });
}
