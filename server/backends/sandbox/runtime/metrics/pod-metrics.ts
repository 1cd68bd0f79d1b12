/**
 * The Prometheus counters of the proxies in a sandbox's pods (ztunnel, waypoints, sidecars): whoever carries traffic
 * (the mesh) adds to them, and the pod's stats port renders them (net/apps/proxy-stats.ts). Kept per pod and
 * forgotten with it, like its logs; plain data, no clock.
 */
export type Labels = [string, string][];

interface Family {
  help: string;
  series: Map<string, {labels: Labels; value: number}>;
}

const podKey = (namespace: string, pod: string) => `${namespace}/${pod}`;
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class PodMetrics {
  private readonly pods = new Map<string, Map<string, Family>>();

  /** add `value` to the counter `name` (without `_total`) with these labels, in the order given */
  add(namespace: string, pod: string, name: string, help: string, labels: Labels, value = 1): void {
    const key = podKey(namespace, pod);
    let families = this.pods.get(key);
    if (!families) this.pods.set(key, (families = new Map()));
    let f = families.get(name);
    if (!f) families.set(name, (f = {help, series: new Map()}));
    const id = JSON.stringify(labels);
    const s = f.series.get(id);
    if (s) s.value += value;
    else f.series.set(id, {labels, value});
  }

  /** the counters of one pod in the text exposition format (families in the order first seen) */
  render(namespace: string, pod: string, opts: {openMetrics?: boolean} = {}): string {
    const out: string[] = [];
    for (const [name, f] of this.pods.get(podKey(namespace, pod)) ?? []) {
      const help = opts.openMetrics ? `${f.help}.` : f.help;
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const s of f.series.values())
        out.push(`${name}_total{${s.labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}} ${s.value}`);
    }
    return out.length ? `${out.join('\n')}\n` : '';
  }

  forget(namespace: string, pod: string): void {
    this.pods.delete(podKey(namespace, pod));
  }
}
