/**
 * What the learner has now, looked up beside the shell (the verify runner: the backend's environment, the shell's
 * directory): whether the cluster answers, its namespaces, and which of the walkthrough's directories exist. One
 * short bash script, so a page costs one process, not one per need.
 */
import type {VerifyRunner} from '../engine/verify-runner';

export interface LearnerState {
  /** kubectl reached a cluster */
  cluster: boolean;
  namespaces: ReadonlySet<string>;
  /** directories (as `~/dir`) that exist */
  directories: ReadonlySet<string>;
}

const CLUSTER_MARK = '__lab_cluster__';
const DIR_MARK = '__lab_dir__ ';
const SAFE_PATH = /^~\/[A-Za-z0-9._/-]+$/;
const PROBE_TIMEOUT_MS = 20_000;

export async function probeLearnerState(
  runVerify: VerifyRunner,
  options: {cluster: boolean; directories: readonly string[]},
): Promise<LearnerState> {
  const lines: string[] = [];
  if (options.cluster) {
    lines.push(
      `if ns=$(kubectl get namespaces -o name --request-timeout=5s 2>/dev/null); then echo ${CLUSTER_MARK}; printf '%s\\n' "$ns"; fi`,
    );
  }
  for (const dir of options.directories) {
    // only names the derivation produces ([A-Za-z0-9._/-]); anything else is not probed, never interpolated
    if (!SAFE_PATH.test(dir)) continue;
    lines.push(`[ -d "$HOME/${dir.slice(2)}" ] && echo '${DIR_MARK}${dir}'`);
  }
  if (lines.length === 0) return {cluster: false, namespaces: new Set(), directories: new Set()};
  lines.push('true');
  const outcome = await runVerify(lines.join('\n'), {timeoutMs: PROBE_TIMEOUT_MS});
  const out = outcome.output.split('\n').map((line) => line.trim());
  const cluster = out.includes(CLUSTER_MARK);
  return {
    cluster,
    namespaces: new Set(
      cluster ? out.filter((line) => line.startsWith('namespace/')).map((line) => line.slice('namespace/'.length)) : [],
    ),
    directories: new Set(out.filter((line) => line.startsWith(DIR_MARK)).map((line) => line.slice(DIR_MARK.length))),
  };
}
