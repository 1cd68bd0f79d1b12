import type {Container, EnvVar, PodSpec, Volume, VolumeMount} from 'kubernetes-types/core/v1';
import type {KubeObject} from '../api';
import {SIDECAR_STATUS_ANNOTATION} from './dataplane';
import {asPod, type IstioInstall} from './world';

/**
 * Istio's sidecar injector as a pure function: pod in, injected pod out. The shape follows the injection template
 * (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml): an init container
 * that sets up (istio-init) or, with istio-cni installed, only validates (istio-validation) the iptables redirect,
 * the istio-proxy container, the volumes it mounts, and the labels/annotations the webhook adds. A classic
 * (non-native) sidecar, so `kubectl get pod` shows READY 2/2.
 */
export interface InjectionOptions {
  istio: Pick<IstioInstall, 'hub' | 'tag' | 'cni'>;
  /** the ambient profile turns HBONE on for sidecars (ISTIO_META_ENABLE_HBONE) */
  hbone?: boolean;
}

const PROXY_UID = 1337;

/** `istio-iptables` arguments of the template; -d lists the ports Envoy itself serves */
export const ISTIO_IPTABLES_ARGS = [
  'istio-iptables',
  '-p',
  '15001',
  '-z',
  '15006',
  '-u',
  String(PROXY_UID),
  '-m',
  'REDIRECT',
  '-i',
  '*',
  '-x',
  '',
  '-b',
  '*',
  '-d',
  '15090,15021,15020',
  '--log_output_level=default:info',
];

const VOLUMES: Volume[] = [
  {name: 'workload-socket', emptyDir: {}},
  {name: 'credential-socket', emptyDir: {}},
  {name: 'workload-certs', emptyDir: {}},
  {name: 'istio-envoy', emptyDir: {medium: 'Memory'}},
  {name: 'istio-data', emptyDir: {}},
  {
    name: 'istio-podinfo',
    downwardAPI: {
      defaultMode: 420,
      items: [
        {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.labels'}, path: 'labels'},
        {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.annotations'}, path: 'annotations'},
      ],
    },
  },
  {
    name: 'istio-token',
    projected: {
      defaultMode: 420,
      sources: [{serviceAccountToken: {audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token'}}],
    },
  },
  {name: 'istiod-ca-cert', configMap: {defaultMode: 420, name: 'istio-ca-root-cert'}},
];

const PROXY_MOUNTS: VolumeMount[] = [
  {mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket'},
  {mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket'},
  {mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs'},
  {mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert'},
  {mountPath: '/var/lib/istio/data', name: 'istio-data'},
  {mountPath: '/etc/istio/proxy', name: 'istio-envoy'},
  {mountPath: '/var/run/secrets/tokens', name: 'istio-token'},
  {mountPath: '/etc/istio/pod', name: 'istio-podinfo'},
];

const fieldEnv = (name: string, fieldPath: string): EnvVar => ({
  name,
  valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath}},
});

/** the Deployment (or other owner) name the pod belongs to: what ISTIO_META_WORKLOAD_NAME and canonical-name use */
export function workloadName(pod: KubeObject): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`))
    return owner.name.slice(0, -hash.length - 1);
  if (owner) return owner.name;
  return String(pod.metadata.name ?? pod.metadata.generateName ?? '').replace(/-$/, '');
}

function ownerUri(pod: KubeObject, ns: string, workload: string): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (owner?.kind === 'ReplicaSet') return `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${workload}`;
  if (owner) return `kubernetes://apis/${owner.apiVersion}/namespaces/${ns}/${owner.kind.toLowerCase()}s/${owner.name}`;
  return `kubernetes://apis/v1/namespaces/${ns}/pods/${pod.metadata.name ?? workload}`;
}

function containerPortsJson(containers: Container[]): string {
  const ports = containers
    .flatMap((c) => c.ports ?? [])
    .map((p) => ({...(p.name ? {name: p.name} : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP'}));
  return ports.length ? `[\n${ports.map((p) => `    ${JSON.stringify(p)}`).join('\n,')}\n]` : '[\n]';
}

function proxyContainer(pod: KubeObject, ns: string, appContainers: Container[], opts: InjectionOptions): Container {
  const workload = workloadName(pod);
  const env: EnvVar[] = [
    {name: 'PILOT_CERT_PROVIDER', value: 'istiod'},
    {name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012'},
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    {name: 'ISTIO_CPU_LIMIT', valueFrom: {resourceFieldRef: {divisor: '0', resource: 'limits.cpu'}}},
    {name: 'PROXY_CONFIG', value: '{}\n'},
    {name: 'ISTIO_META_POD_PORTS', value: containerPortsJson(appContainers)},
    {name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.map((c) => c.name).join(',')},
    {name: 'GOMEMLIMIT', valueFrom: {resourceFieldRef: {divisor: '0', resource: 'limits.memory'}}},
    {name: 'GOMAXPROCS', valueFrom: {resourceFieldRef: {divisor: '0', resource: 'limits.cpu'}}},
    {name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes'},
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    {name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT'},
    {name: 'ISTIO_META_WORKLOAD_NAME', value: workload},
    {name: 'ISTIO_META_OWNER', value: ownerUri(pod, ns, workload)},
    {name: 'ISTIO_META_MESH_ID', value: 'cluster.local'},
    {name: 'TRUST_DOMAIN', value: 'cluster.local'},
    ...(opts.hbone ? [{name: 'ISTIO_META_ENABLE_HBONE', value: 'true'}] : []),
  ];
  return {
    name: 'istio-proxy',
    image: `${opts.istio.hub}/proxyv2:${opts.istio.tag}`,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env,
    imagePullPolicy: 'IfNotPresent',
    ports: [{containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP'}],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: {path: '/healthz/ready', port: 15021, scheme: 'HTTP'},
      periodSeconds: 15,
      successThreshold: 1,
      timeoutSeconds: 3,
    },
    startupProbe: {
      failureThreshold: 600,
      httpGet: {path: '/healthz/ready', port: 15021, scheme: 'HTTP'},
      periodSeconds: 1,
      successThreshold: 1,
      timeoutSeconds: 3,
    },
    resources: {limits: {cpu: '2', memory: '1Gi'}, requests: {cpu: '100m', memory: '128Mi'}},
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: {drop: ['ALL']},
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: PROXY_UID,
      runAsNonRoot: true,
      runAsUser: PROXY_UID,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: PROXY_MOUNTS,
  };
}

/**
 * With istio-cni the CNI plugin writes the rules and the init container only checks them (`--run-validation
 * --skip-rule-apply`, unprivileged); without it istio-init applies them and needs NET_ADMIN/NET_RAW as root.
 */
function initContainer(opts: InjectionOptions): Container {
  const cni = opts.istio.cni;
  return {
    name: cni ? 'istio-validation' : 'istio-init',
    image: `${opts.istio.hub}/proxyv2:${opts.istio.tag}`,
    args: cni ? [...ISTIO_IPTABLES_ARGS, '--run-validation', '--skip-rule-apply'] : ISTIO_IPTABLES_ARGS,
    imagePullPolicy: 'IfNotPresent',
    resources: {limits: {cpu: '2', memory: '1Gi'}, requests: {cpu: '100m', memory: '128Mi'}},
    securityContext: cni
      ? {
          allowPrivilegeEscalation: false,
          capabilities: {drop: ['ALL']},
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsGroup: PROXY_UID,
          runAsNonRoot: true,
          runAsUser: PROXY_UID,
        }
      : {
          allowPrivilegeEscalation: false,
          capabilities: {add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL']},
          privileged: false,
          readOnlyRootFilesystem: false,
          runAsGroup: 0,
          runAsNonRoot: false,
          runAsUser: 0,
        },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

/** inject into a copy of the pod; a pod that already has a sidecar comes back unchanged (the webhook is idempotent) */
export function injectSidecar(podIn: KubeObject, namespace: string, opts: InjectionOptions): KubeObject {
  const pod = structuredClone(podIn);
  const meta = pod.metadata;
  if (meta.annotations?.[SIDECAR_STATUS_ANNOTATION]) return pod;
  const spec: Partial<PodSpec> = asPod(pod).spec ?? {};
  const apps = spec.containers ?? [];
  const init = initContainer(opts);
  spec.initContainers = [...(spec.initContainers ?? []), init];
  spec.containers = [...apps, proxyContainer(pod, namespace, apps, opts)];
  spec.volumes = [...(spec.volumes ?? []), ...VOLUMES];
  pod.spec = spec;

  const first = String(apps[0]?.name ?? '');
  const status = {
    initContainers: [init.name],
    containers: ['istio-proxy'],
    volumes: VOLUMES.map((v) => v.name),
    imagePullSecrets: null,
    revision: 'default',
  };
  meta.annotations = {
    ...(meta.annotations ?? {}),
    'istio.io/rev': 'default',
    'kubectl.kubernetes.io/default-container': first,
    'kubectl.kubernetes.io/default-logs-container': first,
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    [SIDECAR_STATUS_ANNOTATION]: JSON.stringify(status),
    // the CNI plugin reads the redirect settings from annotations (it has no access to the init container args)
    ...(opts.istio.cni
      ? {
          'sidecar.istio.io/interceptionMode': 'REDIRECT',
          'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
          'traffic.sidecar.istio.io/includeInboundPorts': '*',
          'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
        }
      : {}),
  };
  const labels = meta.labels ?? {};
  meta.labels = {
    ...labels,
    'security.istio.io/tlsMode': 'istio',
    // the template labels a sidecar that speaks HBONE (ISTIO_META_ENABLE_HBONE, set by the ambient profile)
    ...(opts.hbone ? {'networking.istio.io/tunnel': labels['networking.istio.io/tunnel'] ?? 'http'} : {}),
    'service.istio.io/canonical-name':
      labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workloadName(pod),
    'service.istio.io/canonical-revision':
      labels['service.istio.io/canonical-revision'] ??
      labels['app.kubernetes.io/version'] ??
      labels.version ??
      'latest',
  };
  return pod;
}
