/**
 * Analyzer messages as istioctl prints them: `<Level> [<code>] (<Kind> <ns>/<name>) <text>`, texts from
 * pkg/config/analysis/msg/messages.yaml. Levels order Info < Warning < Error; analyze fails (exit 79) at its failure
 * threshold (Error by default). formatting.Print's log, JSON and YAML forms.
 */
import {stringify} from 'yaml';
import {CommandError} from './command';

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
  /** IST0142 UnsupportedKubernetesVersion (Error), on precheck's clusterOrigin (FriendlyName "Cluster") */
  unsupportedKubernetesVersion: (version: string, minimum: string): AnalysisMessage => ({
    level: 'Error',
    code: 'IST0142',
    origin: 'Cluster',
    text: `The Kubernetes Version "${version}" is lower than the minimum version: ${minimum}`,
  }),
};

/** IST0141 InsufficientPermissions (Error): precheck's SelfSubjectAccessReview said no */
export const insufficientPermissions = (resource: string, error: string): AnalysisMessage => ({
  level: 'Error',
  code: 'IST0141',
  origin: 'Cluster',
  text: `Missing required permission to create resource ${resource} (${error})`,
});

/** IST0169 UpdateIncompatibility (Warning) */
export const updateIncompatibility = (
  origin: string,
  field: string,
  release: string,
  info: string,
  compatVersion: string,
): AnalysisMessage => ({
  level: 'Warning',
  code: 'IST0169',
  origin,
  text: `The configuration "${field}" changed in release ${release}: ${info}. Or, install with \`--set compatibilityVersion=${compatVersion}\` to retain the old default.`,
});

/** diag.Messages.Sort (level, worst first, then code, then origin) and SortedDedupedCopy's dedupe */
export function sortedDeduped(ms: AnalysisMessage[]): AnalysisMessage[] {
  const sorted = [...ms].sort(
    (a, b) =>
      LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
      cmp(a.code, b.code) ||
      cmp(a.origin, b.origin) ||
      cmp(formatMessage(a), formatMessage(b)),
  );
  return sorted.filter((m, i) => i === 0 || formatMessage(sorted[i - 1]!) !== formatMessage(m));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** MessageThreshold.Set: the level in any case, else pflag's invalid argument error (a usage error, exit 64) */
export function messageThreshold(raw: string, flag: string): Level {
  const found = (Object.keys(LEVEL_RANK) as Level[]).find((l) => l.toUpperCase() === raw.toUpperCase());
  if (!found) throw new CommandError(`invalid argument "${raw}" for "--${flag}" flag: invalid level option`, 64);
  return found;
}

/** diag.Message.Unstructured: the JSON and YAML shape; docRef is SetDocRef's (analyze sets one, precheck none) */
function unstructured(m: AnalysisMessage, minor: string, docRef: string) {
  return {
    code: m.code,
    documentationUrl: `${configAnalysisUrl(minor)}/${m.code.toLowerCase()}/${docRef ? `?ref=${docRef}` : ''}`,
    level: m.level,
    message: m.text,
    ...(m.origin ? {origin: m.origin} : {}),
  };
}

/** formatting.render with colour: the level in its colour (none for Info), then always the reset */
const COLOUR: Record<Level, string> = {Info: '', Warning: '\x1b[33m', Error: '\x1b[1;31m'};
const render = (m: AnalysisMessage, colour: boolean) =>
  colour ? formatMessage(m).replace(m.level, `${COLOUR[m.level]}${m.level}\x1b[0m`) : formatMessage(m);

/** Go's encoding/json MarshalIndent with a tab, which escapes <, > and & in strings */
const goJson = (v: unknown) =>
  JSON.stringify(v, null, '\t').replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);

/** formatting.Print (istioctl/pkg/util/formatting/formatter.go, 1.29.6): log lines, or the messages as JSON or YAML */
export function printMessages(
  ms: AnalysisMessage[],
  format: string,
  colour: boolean,
  minor: string,
  docRef = '',
): string {
  const docs = ms.map((m) => unstructured(m, minor, docRef));
  if (format === 'json') return goJson(docs);
  // sigs.k8s.io/yaml: keys sorted, no line folding, an empty list inline
  if (format === 'yaml') return docs.length ? stringify(docs, {lineWidth: 0, indentSeq: false}) : '[]\n';
  if (format === 'log') return ms.map((m) => render(m, colour)).join('\n');
  throw new CommandError(`invalid format, expected one of [log json yaml] but got "${format}"`);
}

/** url.ConfigAnalysis for the pinned minor */
export const configAnalysisUrl = (minor: string) => `https://istio.io/v${minor}/docs/reference/config/analysis`;
