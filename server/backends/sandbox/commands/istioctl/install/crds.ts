/**
 * The Istio CRDs `istioctl install` applies (component Base), as in manifests/charts/base/files/crd-all.gen.yaml:
 * names, kinds, short names, categories, served versions and printer columns. 1.24–1.29 ship these 14;
 * 1.30 adds trafficextensions.extensions.istio.io. Schemas are open (the sandbox does
 * not validate Istio specs; istiod's webhook would).
 */
import type {KubeObject} from '../../../api/types';

interface CrdDef {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** served versions, storage one marked by `storage` */
  versions: string[];
  storage: string;
  columns?: {name: string; type: string; jsonPath: string; description: string}[];
  /** first Istio minor that ships it */
  since?: number;
}

const age = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

const DEFS: CrdDef[] = [
  {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    shortNames: ['ap'],
    versions: ['v1', 'v1beta1'],
    storage: 'v1beta1',
    columns: [{name: 'Action', type: 'string', jsonPath: '.spec.action', description: 'The operation to take.'}, age],
  },
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    plural: 'destinationrules',
    shortNames: ['dr'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
    columns: [
      {
        name: 'Host',
        type: 'string',
        jsonPath: '.spec.host',
        description: 'The name of a service from the service registry',
      },
      age,
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'EnvoyFilter',
    plural: 'envoyfilters',
    versions: ['v1alpha3'],
    storage: 'v1alpha3',
  },
  {
    group: 'networking.istio.io',
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gw'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
  },
  {
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    shortNames: ['pa'],
    versions: ['v1', 'v1beta1'],
    storage: 'v1beta1',
    columns: [
      {
        name: 'Mode',
        type: 'string',
        jsonPath: '.spec.mtls.mode',
        description: 'Defines the mTLS mode used for peer authentication.',
      },
      age,
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'ProxyConfig',
    plural: 'proxyconfigs',
    versions: ['v1beta1'],
    storage: 'v1beta1',
  },
  {
    group: 'security.istio.io',
    kind: 'RequestAuthentication',
    plural: 'requestauthentications',
    shortNames: ['ra'],
    versions: ['v1', 'v1beta1'],
    storage: 'v1beta1',
  },
  {
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    shortNames: ['se'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
    columns: [
      {
        name: 'Hosts',
        type: 'string',
        jsonPath: '.spec.hosts',
        description: 'The hosts associated with the ServiceEntry',
      },
      {
        name: 'Location',
        type: 'string',
        jsonPath: '.spec.location',
        description: 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)',
      },
      {
        name: 'Resolution',
        type: 'string',
        jsonPath: '.spec.resolution',
        description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)',
      },
      age,
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'Sidecar',
    plural: 'sidecars',
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
  },
  {
    group: 'telemetry.istio.io',
    kind: 'Telemetry',
    plural: 'telemetries',
    shortNames: ['telemetry'],
    versions: ['v1', 'v1alpha1'],
    storage: 'v1alpha1',
  },
  {
    group: 'extensions.istio.io',
    kind: 'TrafficExtension',
    plural: 'trafficextensions',
    versions: ['v1alpha1'],
    storage: 'v1alpha1',
    since: 30,
  },
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    plural: 'virtualservices',
    shortNames: ['vs'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
    columns: [
      {
        name: 'Gateways',
        type: 'string',
        jsonPath: '.spec.gateways',
        description: 'The names of gateways and sidecars that should apply these routes',
      },
      {
        name: 'Hosts',
        type: 'string',
        jsonPath: '.spec.hosts',
        description: 'The destination hosts to which traffic is being sent',
      },
      age,
    ],
  },
  {
    group: 'extensions.istio.io',
    kind: 'WasmPlugin',
    plural: 'wasmplugins',
    versions: ['v1alpha1'],
    storage: 'v1alpha1',
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadEntry',
    plural: 'workloadentries',
    shortNames: ['we'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
    columns: [
      age,
      {
        name: 'Address',
        type: 'string',
        jsonPath: '.spec.address',
        description: 'Address associated with the network endpoint.',
      },
    ],
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadGroup',
    plural: 'workloadgroups',
    shortNames: ['wg'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    storage: 'v1alpha3',
    columns: [age],
  },
];

const OPEN_SCHEMA = {
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
      status: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
    },
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

/** the CRDs of an Istio minor (e.g. 29), sorted by name as the chart lists them */
export function istioCrds(minor: number, labels: Record<string, string>): KubeObject[] {
  return DEFS.filter((d) => (d.since ?? 0) <= minor).map((d) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${d.plural}.${d.group}`,
      // the chart's own labels (crd-all.gen.yaml) and the installer's
      labels: {
        app: 'istio-pilot',
        chart: 'istio',
        heritage: 'Tiller',
        release: 'istio',
        ...(d.group === 'security.istio.io' ? {'istio.io/config': 'true'} : {}),
        ...labels,
      },
      annotations: {'helm.sh/resource-policy': 'keep'},
    },
    spec: {
      group: d.group,
      names: {
        categories: ['istio-io', `${d.group.split('.')[0]}-istio-io`],
        kind: d.kind,
        listKind: `${d.kind}List`,
        plural: d.plural,
        ...(d.shortNames ? {shortNames: d.shortNames} : {}),
        singular: d.kind.toLowerCase(),
      },
      scope: 'Namespaced',
      versions: d.versions.map((v) => ({
        name: v,
        served: true,
        storage: v === d.storage,
        schema: OPEN_SCHEMA,
        subresources: {status: {}},
        ...(d.columns ? {additionalPrinterColumns: d.columns} : {}),
      })),
    },
  }));
}

/** every Istio CRD name any version ships: uninstall --purge removes these */
export const ALL_ISTIO_CRD_NAMES: readonly string[] = DEFS.map((d) => `${d.plural}.${d.group}`);
