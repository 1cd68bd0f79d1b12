import type {FlagSpec} from '../../kit/flags';
/**
 * How cobra (istioctl's CLI framework) finds a command and words its failures: the command path skips flags and
 * their values, an unknown top-level word is `Error: unknown command "x" for "istioctl"` with "Did you mean
 * this?" suggestions (Levenshtein distance ≤ 2 or a prefix), then `Run 'istioctl --help' for usage.`
 */

/** the root's flags (istioctl/pkg/cli/option.go AddRootFlags and root.go, 1.29.6), as pflag lists them (by name) */
export const ROOT_FLAGS: FlagSpec[] = (
  [
    {name: 'context', type: 'string', usage: 'Kubernetes configuration context'},
    {name: 'help', short: 'h', type: 'bool', usage: 'help for istioctl'},
    {name: 'istioNamespace', short: 'i', type: 'string', default: 'istio-system', usage: 'Istio system namespace'},
    {name: 'kubeconfig', short: 'c', type: 'string', usage: 'Kubernetes configuration file'},
    {name: 'namespace', short: 'n', type: 'string', usage: 'Kubernetes namespace'},
    // klog's -v (a klog.Level), which pflag shows by its Go type name (pkg/log/klog.go, 1.29.6)
    {
      name: 'vklog',
      type: 'string',
      typeName: 'Level',
      usage: 'number for the log level verbosity. Like -v flag. ex: --vklog=9',
    },
    // impersonation and the client timeout: kube-client.ts
    {
      name: 'as',
      type: 'string',
      usage:
        'Username to impersonate for the operation. User could be a regular user or a service account in a namespace',
    },
    {
      name: 'as-group',
      type: 'stringArray',
      usage: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.',
    },
    {name: 'as-uid', type: 'string', usage: 'UID to impersonate for the operation.'},
    {
      name: 'kubeclient-timeout',
      type: 'string',
      default: '15s',
      usage: 'Kubernetes client timeout as a time.Duration string, defaults to 15 seconds.',
    },
  ] satisfies FlagSpec[]
).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** the root's persistent flags under a child's "Global Flags:" (all but -h) */
export const GLOBAL_HELP_FLAGS: FlagSpec[] = ROOT_FLAGS.filter((f) => f.name !== 'help');

/** the non-flag words, skipping the value of a flag that takes one (`-n bar-2`, `--for service`) */
export function commandWords(args: string[], flags: FlagSpec[]): string[] {
  const takesValue = (a: string): boolean => {
    if (a.includes('=')) return false;
    const f = a.startsWith('--')
      ? flags.find((s) => s.name === a.slice(2))
      : flags.find((s) => s.short === a.slice(-1) && a.length === 2);
    return !!f && f.type !== 'bool';
  };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a.length > 1) {
      if (takesValue(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function unknownCommand(word: string, parent: string, candidates: string[]): string {
  const lower = word.toLowerCase();
  const suggestions = candidates.filter(
    (c) => distance(lower, c.toLowerCase()) <= 2 || c.toLowerCase().startsWith(lower),
  );
  const did = suggestions.length ? `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : '';
  return `Error: unknown command "${word}" for "${parent}"${did}\nRun '${parent} --help' for usage.\n`;
}
