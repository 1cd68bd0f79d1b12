/**
 * Analyzer messages as istioctl prints them: `<Level> [<code>] (<Kind> <ns>/<name>) <text>`, texts from
 * pkg/config/analysis/msg/messages.yaml. Levels order Info < Warning < Error; analyze fails (exit 79) at Warning.
 */
export type Level = 'Info' | 'Warning' | 'Error';

export interface AnalysisMessage {
  level: Level;
  code: string;
  /** "Namespace default", "Pod default/httpbin-xxx"; empty for cluster-wide checks */
  origin: string;
  text: string;
}

export const LEVEL_RANK: Record<Level, number> = {Info: 0, Warning: 1, Error: 2};

export function formatMessage(m: AnalysisMessage): string {
  return `${m.level} [${m.code}]${m.origin ? ` (${m.origin})` : ''} ${m.text}`;
}

export const MESSAGES = {
  /** IST0102 NamespaceNotInjected (Info) */
  namespaceNotInjected: (ns: string): AnalysisMessage => ({
    level: 'Info',
    code: 'IST0102',
    origin: `Namespace ${ns}`,
    text: `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns} istio-injection=disabled' to explicitly mark it as not needing injection.`,
  }),
  /** IST0103 PodMissingProxy (Warning) */
  podMissingProxy: (ns: string, pod: string): AnalysisMessage => ({
    level: 'Warning',
    code: 'IST0103',
    origin: `Pod ${ns}/${pod}`,
    text: `The pod ${ns}/${pod} is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.`,
  }),
  /** IST0123 NamespaceMultipleInjectionLabels (Warning) */
  multipleInjectionLabels: (ns: string, labels: string[]): AnalysisMessage => ({
    level: 'Warning',
    code: 'IST0123',
    origin: `Namespace ${ns}`,
    text: `The namespace has more than one type of injection labels [${labels.join(' ')}], which may lead to undefined behavior. Make sure only one injection label exists.`,
  }),
  /** IST0142 UnsupportedKubernetesVersion (Error) */
  unsupportedKubernetesVersion: (version: string, minimum: string): AnalysisMessage => ({
    level: 'Error',
    code: 'IST0142',
    origin: '',
    text: `The Kubernetes Version "${version}" is lower than the minimum version: ${minimum}`,
  }),
};

/** url.ConfigAnalysis for the pinned minor */
export const configAnalysisUrl = (minor: string) => `https://istio.io/v${minor}/docs/reference/config/analysis`;
