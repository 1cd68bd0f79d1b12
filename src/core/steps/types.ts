/**
 * The step model: what a step block in the MDX declares, and the per-page manifest derived from it.
 * Platform-free (shared by the remark plugin, the page, the engine, the runner and Playwright).
 */
import type {Locale} from '../protocol/messages';

/** How expected output is compared with actual output (after ANSI codes and \r are stripped). */
export type OutputCheckKind =
  | 'contains' // substring; multi-line text must appear as one block
  | 'not-contains'
  | 'regex' // JavaScript regular expression, multiline flag
  | 'like'; // istio.io's _verify_like: same lines/tokens, tolerant of hashes, IPs, ages, versions; `...` wildcard

export interface OutputCheck {
  kind: OutputCheckKind;
  pattern: string;
}

/** A command retried with backoff until its checks hold or the timeout passes (things that become true later). */
export interface VerifySpec {
  command: string;
  exitCode: number;
  expect: OutputCheck[];
  timeoutMs: number;
}

export interface StepSpec {
  /** unique within the page; lower-case words joined by `-` */
  id: string;
  /** the fence language (bash, sh, yaml...) used for highlighting */
  lang: string;
  /** the command text exactly as shown and as sent to the shell (may be several lines, e.g. a heredoc) */
  command: string;
  /** longest the command may run before the step fails with "timeout" */
  timeoutMs: number;
  /** expected exit code of the command; null means any */
  exitCode: number | null;
  /** checks on the command's own output */
  expect: OutputCheck[];
  verify?: VerifySpec;
}

export interface PageManifest {
  /** the doc id: path under docs/ without extension, e.g. "before-you-begin" */
  pageId: string;
  locale: Locale;
  title: string;
  /** source file, relative to the repository root */
  source: string;
  /** front matter `sidebar_position`: the sidebar's order, which the runner follows (pages without one come last) */
  sidebarPosition?: number;
  steps: StepSpec[];
}

/**
 * Where the site build (the remark plugin) writes one manifest per page, `<locale>/<pageId>.json`, relative to the
 * repository root. The server, `lab run` and the Playwright suite read the steps there, never from the MDX.
 */
export const MANIFEST_DIR = 'generated/manifests';

export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;
