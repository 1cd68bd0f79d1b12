/** The headless runner (`lab run`). */
export {runWalkthrough, type RunWalkthroughOptions, type WalkthroughOutcome} from './run-walkthrough';
export {SelectionError} from './select-steps';
