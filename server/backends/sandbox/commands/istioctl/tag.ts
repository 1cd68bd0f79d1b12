/**
 * `istioctl tag list` (istioctl/pkg/tag/tag.go listTags, 1.29.6): the revision tags found on injector webhooks and
 * on Services labelled `istio.io/rev` in the Istio namespace, an untagged revision left out when a tag points at it,
 * sorted by revision then tag, with the namespaces labelled `istio.io/rev=<tag>`; a tabwriter table, or json/yaml.
 * `tag set|generate|remove` are not simulated (groups.ts).
 */
import type {ObjectStore} from '../../api/store';
import {listOf} from '../../api/kinds';
import {CommandError, str, type IstioctlCommand, type RunContext} from './command';

interface TagDescription {
  tag: string;
  revision: string;
  namespaces: string[];
}

const REV = 'istio.io/rev';
const TAG = 'istio.io/tag';

/** Go's tabwriter with minwidth 0, padding 1, padchar ' ' (no trailing trim: an empty last cell keeps the padding) */
function tabwriter(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length + 1)));
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('') + '\n').join('');
}

/** sigs.k8s.io/yaml JSONToYAML of the list: keys sorted, an empty list inline */
function toYaml(tags: TagDescription[]): string {
  if (!tags.length) return '[]\n';
  return tags
    .map(
      (t) =>
        (t.namespaces.length
          ? `- namespaces:\n${t.namespaces.map((n) => `  - ${n}\n`).join('')}`
          : '- namespaces: []\n') + `  revision: ${t.revision}\n  tag: ${t.tag}\n`,
    )
    .join('');
}

function listTags(store: ObjectStore, istioNamespace: string): TagDescription[] {
  const uniq = new Map<string, {tag: string; revision: string}>();
  const add = (labels: Record<string, string>) => {
    const t = {tag: labels[TAG] ?? '', revision: labels[REV] ?? ''};
    uniq.set(`${t.revision}\u0000${t.tag}`, t);
  };
  // uniqTagsFromWebhooks: every MutatingWebhookConfiguration labelled istio.io/rev
  for (const wh of listOf(store, 'mutatingwebhookconfigurations', {labelSelector: REV})) add(wh.metadata.labels!);
  // uniqTagsFromServices: every Service of the Istio namespace labelled istio.io/rev
  for (const svc of listOf(store, 'services', {namespace: istioNamespace, labelSelector: REV}))
    add(svc.metadata.labels!);
  const all = [...uniq.values()];
  // a revision's untagged entry goes when a tag points at it
  const kept = all.filter((u) => u.tag !== '' || !all.some((o) => o.tag !== '' && o.revision === u.revision));
  return kept
    .map((u) => ({
      tag: u.tag,
      revision: u.revision,
      // GetNamespacesWithTag: `istio.io/rev=<tag>`
      namespaces: listOf(store, 'namespaces', {labelSelector: `${REV}=${u.tag}`}).map((n) => String(n.metadata.name)),
    }))
    .sort((a, b) => cmp(a.revision, b.revision) || cmp(a.tag, b.tag));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function tagList(ctx: RunContext, store: ObjectStore): Promise<number> {
  if (ctx.args.length) throw new CommandError('tag list command does not accept arguments');
  const out = ctx.io.stdout;
  const tags = listTags(store, ctx.istioNamespace);
  if (!tags.length) {
    out.write('No Istio revision tags found.\n');
    return 0;
  }
  const format = str(ctx.flags.output, 'table');
  if (format === 'json') out.write(`${JSON.stringify(tags, null, '\t')}\n`);
  else if (format === 'yaml') out.write(`${toYaml(tags)}\n`);
  else if (format === 'table')
    out.write(
      tabwriter([['TAG', 'REVISION', 'NAMESPACES'], ...tags.map((t) => [t.tag, t.revision, t.namespaces.join(',')])]),
    );
  else throw new CommandError(`unknown format: ${format}`);
  return 0;
}

export const tagListCommand: IstioctlCommand = {
  path: ['tag', 'list'],
  aliases: ['show'],
  short: 'List existing revision tags',
  // istioctl/pkg/tag/tag.go tagListCommand (1.29.6): no Long
  example: '  istioctl tag list',
  use: 'istioctl tag list [flags]',
  needsCluster: true,
  flags: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      default: 'table',
      usage: 'Output format for tag description (available formats: table,json,yaml)',
    },
  ],
  run: tagList,
};
