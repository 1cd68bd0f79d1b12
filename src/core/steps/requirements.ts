/**
 * What a page needs from the steps before it, derived from the step commands alone (nothing is written by hand):
 *
 * - what each step **produces**: the k3d cluster (`k3d cluster create`), a namespace (`kubectl create namespace N`),
 *   a shell variable (`export X=…`, `X=$(…)`: src/core/steps/shell-effects.ts), a directory (`mkdir -p ~/dir`);
 * - what each step **uses**: the cluster (any `kubectl` or `istioctl` that talks to it, `docker exec` into a node),
 *   the namespaces it names (`-n N`, `--namespace N`, `kubectl get namespace N`, `svc.N:port`, `/ns/N/`,
 *   `namespace: N`; any `istioctl` names `istio-system`, where istiod runs), the variables it reads, the paths under
 *   a produced directory;
 * - a namespace no step creates explicitly (`istio-system`, made by `istioctl install`; `kube-system`, by k3s) is
 *   produced by the page on which it is first named;
 * - a page **needs** what its steps use and an earlier page produces (the latest producer before the step): what the
 *   page makes itself is not a need.
 *
 * Catch-up runs, in walkthrough order, the pages that produce a need the learner's cluster or shell lacks, and what
 * those pages need in turn; a step that only creates something already there is skipped (a second
 * `k3d cluster create` would fail). Platform-free: the server and `lab run` share it.
 */
import {shellEffects} from './shell-effects';
import type {PageManifest, StepSpec} from './types';

export type NeedKind = 'cluster' | 'namespace' | 'variable' | 'directory';

export interface Need {
  kind: NeedKind;
  /** namespace, variable or directory (`~/ambient-lab`); 'k3d' for the cluster */
  name: string;
  /** the step that produces it (for a namespace first named on a page: the step that names it first) */
  pageId: string;
  stepId: string;
}

export interface StepRef {
  pageId: string;
  stepId: string;
}

interface StepFacts {
  ref: StepRef;
  /** explicitly created: the step can be skipped when all of these exist already */
  creates: Array<{kind: NeedKind; name: string}>;
  /** variables it sets in the shell */
  sets: string[];
  usesCluster: boolean;
  namespaces: string[];
  reads: string[];
  paths: string[];
}

const CLUSTER = 'k3d';
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** namespaces every cluster has from its first moment */
const BUILT_IN = new Set(['default']);

/** The facts of one step, read from its command (and its verify command, which runs against the same cluster). */
export function stepFacts(pageId: string, step: StepSpec): StepFacts {
  const text = step.verify ? `${step.command}\n${step.verify.command}` : step.command;
  const effects = shellEffects(step.command);
  const creates: StepFacts['creates'] = [];
  if (/\bk3d\s+cluster\s+create\b/.test(text)) creates.push({kind: 'cluster', name: CLUSTER});
  for (const m of text.matchAll(/\bkubectl\s+create\s+(?:namespace|ns)\s+([a-z0-9-]+)/g)) {
    creates.push({kind: 'namespace', name: m[1]!});
  }
  for (const m of text.matchAll(/\bmkdir\s+(?:-\w+\s+)*((?:~|\$HOME)\/[A-Za-z0-9._/-]+)/g)) {
    creates.push({kind: 'directory', name: homePath(m[1]!)});
  }
  return {
    ref: {pageId, stepId: step.id},
    creates,
    sets: effects.sets,
    usesCluster: usesCluster(text),
    namespaces: namespacesNamed(text),
    reads: effects.reads,
    paths: [...text.matchAll(/(?:~|\$HOME)\/[A-Za-z0-9._/-]+/g)].map((m) => homePath(m[0])),
  };
}

function homePath(path: string): string {
  return path.replace(/^\$HOME\//, '~/').replace(/\/+$/, '');
}

/** kubectl or istioctl talking to the cluster (not `kubectl version --client`), or docker into a k3d node. */
function usesCluster(text: string): boolean {
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(/\b(kubectl|istioctl)\b([^|;&]*)/g)) {
      if (m[1] === 'kubectl' && /^\s+version\b.*--client/.test(m[2]!)) continue;
      return true;
    }
    if (/\bdocker\s+exec\b/.test(line)) return true;
  }
  return false;
}

function namespacesNamed(text: string): string[] {
  const found = new Set<string>();
  const add = (name: string | undefined) => {
    if (name && NAMESPACE.test(name) && !BUILT_IN.has(name)) found.add(name);
  };
  // `-n` means a namespace only to kubectl and istioctl (`tail -n 1` does not); a command may go on after `\`
  const joined = text.replace(/\\\n/g, ' ');
  for (const command of joined.matchAll(/\b(kubectl|istioctl)\b([^|;&\n]*)/g)) {
    // istioctl works with istiod in istio-system unless told otherwise
    if (command[1] === 'istioctl') add('istio-system');
    for (const m of command[2]!.matchAll(/(?:^|\s)(?:-n|--namespace)[=\s]+([a-z0-9-]+)/g)) add(m[1]);
    for (const m of command[2]!.matchAll(/--(?:service|workload)-namespace[=\s]+([a-z0-9-]+)/g)) add(m[1]);
  }
  // `kubectl get namespace a b c -L x`, `kubectl label namespace foo k=v`, `kubectl create namespace foo`: the words
  // after `namespace` that are names, up to the first one that is not
  for (const m of text.matchAll(/\bkubectl\s+(?:\w+\s+)?(?:namespace|namespaces|ns)\s+([^|;&\\\n]*)/g)) {
    for (const word of m[1]!.trim().split(/\s+/)) {
      if (!NAMESPACE.test(word)) break;
      add(word);
    }
  }
  // service DNS: http://httpbin.bar-1:8000, helloworld.bar-2.svc.cluster.local
  for (const m of text.matchAll(/\/\/[a-z0-9-]+\.([a-z0-9-]+)(?::\d+|\.svc\b)/g)) add(m[1]);
  for (const m of text.matchAll(/\/ns\/([a-z0-9-]+)\//g)) add(m[1]);
  for (const m of text.matchAll(/^\s*namespace:\s*([a-z0-9-]+)\s*$/gm)) add(m[1]);
  return [...found];
}

/** Every step's facts, in walkthrough order, and the producer of each thing. */
export class WalkthroughFacts {
  readonly steps: StepFacts[];

  constructor(pages: PageManifest[]) {
    this.steps = pages.flatMap((page) => page.steps.map((step) => stepFacts(page.pageId, step)));
  }

  /** The step that produces `kind/name` for a step at `index`: the latest explicit producer before it. */
  producerBefore(kind: NeedKind, name: string, index: number): StepFacts | undefined {
    for (let i = index - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      if (kind === 'variable' ? step.sets.includes(name) : step.creates.some((c) => c.kind === kind && c.name === name))
        return step;
    }
    if (kind !== 'namespace') return undefined;
    // made by something else (istioctl install, k3s): the first step that names it
    return this.steps.find((step, i) => i <= index && step.namespaces.includes(name));
  }

  /** What the steps of `pageId` need from earlier pages, each once, in the order first needed. */
  needsOf(pageId: string): Need[] {
    const needs = new Map<string, Need>();
    const add = (kind: NeedKind, name: string, index: number) => {
      const producer = this.producerBefore(kind, name, index);
      if (!producer || producer.ref.pageId === pageId) return;
      const key = `${kind}/${name}`;
      if (!needs.has(key)) needs.set(key, {kind, name, ...producer.ref});
    };
    this.steps.forEach((step, index) => {
      if (step.ref.pageId !== pageId) return;
      if (step.usesCluster || step.namespaces.length > 0) add('cluster', CLUSTER, index);
      for (const name of step.namespaces) add('namespace', name, index);
      for (const name of step.reads) add('variable', name, index);
      for (const path of step.paths) {
        const directory = this.directoryOf(path, index);
        if (directory) add('directory', directory, index);
      }
    });
    return [...needs.values()];
  }

  /** The produced directory (before `index`) that holds `path`, if any. */
  private directoryOf(path: string, index: number): string | undefined {
    for (let i = index - 1; i >= 0; i--) {
      for (const c of this.steps[i]!.creates) {
        if (c.kind === 'directory' && (path === c.name || path.startsWith(c.name + '/'))) return c.name;
      }
    }
    return undefined;
  }

  /**
   * The steps catch-up runs so that `pageId`'s unmet needs are met: every step of each page that produces one, and of
   * the pages those need in turn (`met` says what the learner has already), in walkthrough order; a step that only
   * creates things that `met` says exist is left out.
   */
  catchUpPlan(pageId: string, met: (need: Pick<Need, 'kind' | 'name'>) => boolean): StepRef[] {
    const pages = new Set<string>();
    const visit = (id: string) => {
      for (const need of this.needsOf(id)) {
        if (met(need) || pages.has(need.pageId)) continue;
        pages.add(need.pageId);
        visit(need.pageId);
      }
    };
    visit(pageId);
    // this.steps is in walkthrough order already
    return this.steps
      .filter((step) => pages.has(step.ref.pageId))
      .filter((step) => step.creates.length === 0 || !step.creates.every((c) => met(c)))
      .map((step) => step.ref);
  }
}
