/**
 * `--set` paths and profiles → what to install. Mirrors istioctl's GenerateConfig at the level a learner meets it:
 * profiles from manifests/profiles/*.yaml, `values.*` Helm values (global.platform, cni paths, variant, hub/tag),
 * `components.<c>.enabled`, and the error for a path IstioOperator does not have (k3d
 * specifics: `--set global.platform=k3d` → `could not unmarshal: json: unknown field "global"`).
 */
import {CommandError} from '../command';
import type {IstioRelease} from '../istio-release';

/** operator/pkg/component: Name → user-facing name and icon of the progress lines */
export const COMPONENTS = {
  Base: {title: 'Istio core', icon: '⛵️'},
  Pilot: {title: 'Istiod', icon: '🧠'},
  Cni: {title: 'CNI', icon: '🪢'},
  Ztunnel: {title: 'Ztunnel', icon: '🔒'},
  IngressGateways: {title: 'Ingress gateways', icon: '🛬'},
  EgressGateways: {title: 'Egress gateways', icon: '🛫'},
} as const;

export type ComponentName = keyof typeof COMPONENTS;

/** manifests/profiles/<name>.yaml: which components each enables */
const PROFILES: Record<string, ComponentName[]> = {
  default: ['Base', 'Pilot', 'IngressGateways'],
  demo: ['Base', 'Pilot', 'IngressGateways', 'EgressGateways'],
  minimal: ['Base', 'Pilot'],
  ambient: ['Base', 'Pilot', 'Cni', 'Ztunnel'],
  empty: [],
  preview: ['Base', 'Pilot', 'IngressGateways'],
  remote: ['Base', 'IngressGateways'],
  stable: ['Base', 'Pilot', 'IngressGateways'],
};

/** the top-level fields of IstioOperatorSpec a --set path may start with */
const SPEC_FIELDS = new Set([
  'profile',
  'installPackagePath',
  'hub',
  'tag',
  'resourceSuffix',
  'namespace',
  'revision',
  'compatibilityVersion',
  'meshConfig',
  'components',
  'values',
  'unvalidatedValues',
]);

const COMPONENT_KEYS: Record<string, ComponentName> = {
  base: 'Base',
  pilot: 'Pilot',
  cni: 'Cni',
  ztunnel: 'Ztunnel',
  ingressGateways: 'IngressGateways',
  egressGateways: 'EgressGateways',
};

/** manifests/helm-profiles/platform-*.yaml: where k3s keeps the CNI config and plugins */
const PLATFORM_CNI: Record<string, {confDir: string; binDir: string}> = {
  k3d: {confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDir: '/bin'},
  k3s: {confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', binDir: '/var/lib/rancher/k3s/data/cni'},
};

export interface InstallConfig {
  profile: string;
  components: ComponentName[];
  revision: string;
  namespace: string;
  hub: string;
  tag: string;
  /** "" or "distroless" (the ambient profile's global.variant) */
  variant: string;
  platform: string;
  cniConfDir: string;
  cniBinDir: string;
  meshConfig: Record<string, string>;
  /** every --set as given, kept in the installed state (values ConfigMap) */
  sets: string[];
}

export function parseInstallConfig(sets: string[], release: IstioRelease): InstallConfig {
  const kv = sets.map((s) => {
    const eq = s.indexOf('=');
    if (eq < 0) throw new CommandError(`generate config: bad argument ${s}: no '='`);
    // istioctl accepts an optional "spec." prefix; backslash-escaped dots stay in the key
    return [s.slice(0, eq).replace(/^spec\./, ''), s.slice(eq + 1)] as const;
  });
  for (const [k] of kv) {
    const top = k.split('.')[0]!;
    if (!SPEC_FIELDS.has(top))
      throw new CommandError(`generate config: could not unmarshal: json: unknown field "${top}"`);
  }
  const get = (key: string) =>
    kv
      .filter(([k]) => k === key)
      .map(([, v]) => v)
      .pop();
  const profile = get('profile') ?? 'default';
  const base = PROFILES[profile];
  if (!base) throw new CommandError(`generate config: failed to read profile "${profile}": profile does not exist`);
  const components = new Set<ComponentName>(base);
  for (const [k, v] of kv) {
    const m = /^components\.(\w+)(?:\[\d+\])?\.enabled$/.exec(k);
    const c = m ? COMPONENT_KEYS[m[1]!] : undefined;
    if (c && v === 'true') components.add(c);
    else if (c) components.delete(c);
  }
  const platform = get('values.global.platform') ?? '';
  const variant = get('values.global.variant') ?? (profile === 'ambient' ? 'distroless' : '');
  const cni = PLATFORM_CNI[platform];
  const meshConfig: Record<string, string> = {};
  for (const [k, v] of kv) if (k.startsWith('meshConfig.')) meshConfig[k.slice('meshConfig.'.length)] = v;
  return {
    profile,
    components: (Object.keys(COMPONENTS) as ComponentName[]).filter((c) => components.has(c)),
    revision: get('revision') ?? get('values.revision') ?? '',
    namespace: get('namespace') ?? get('values.global.istioNamespace') ?? 'istio-system',
    hub: get('hub') ?? get('values.global.hub') ?? release.hub,
    tag: get('tag') ?? get('values.global.tag') ?? release.version,
    variant,
    platform,
    cniConfDir: get('values.cni.cniConfDir') ?? cni?.confDir ?? '/etc/cni/net.d',
    cniBinDir: get('values.cni.cniBinDir') ?? cni?.binDir ?? '/opt/cni/bin',
    meshConfig,
    sets,
  };
}

/** {hub}/{image}:{tag}[-{variant}] as the charts' image helpers write it */
export function imageOf(cfg: InstallConfig, name: string, withVariant = true): string {
  return `${cfg.hub}/${name}:${cfg.tag}${withVariant && cfg.variant ? `-${cfg.variant}` : ''}`;
}
