/**
 * `istioctl experimental describe pod <pod>` (istioctl/pkg/describe/describe.go at 1.30.3): the pod, its ports and
 * revision, the Services that select it with each port's protocol, the effective PeerAuthentication and the
 * ingress-gateway note. A pod without a sidecar (ambient or out of the mesh) gets the real "not part of mesh"
 * warning and then the real failure: describe reads the sidecar's Envoy config dump. DestinationRules and
 * VirtualServices (read from that dump) are not modelled.
 */
import type {ObjectStore} from '../../api/store';
import type {KubeObject} from '../../api/types';
import {getOf, listOf} from '../../api/kinds';
import {selectorObjectMatcher} from '../../api/label-selector';
import {effectiveMtls} from '../../mesh/peer-authentication';
import {labelsOf, readWorld} from '../../mesh/world';
import {bool, CommandError, type IstioctlCommand, type RunContext} from './command';
import type {FlagSpec} from '../../kit/flags';
import {DESCRIBE} from './groups';
import type {HelpText} from './help';

const DEPLOYMENT_REQUIREMENTS = 'https://istio.io/latest/docs/ops/deployment/application-requirements/';

interface Port {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

/** findProtocolForPort: auto-detect for unnamed ports, else the name's (or appProtocol's) protocol */
function protocolFor(p: Port): string {
  if (!p.name && !p.appProtocol && p.protocol !== 'UDP') return 'auto-detect';
  const v = (p.appProtocol ?? p.name ?? '').toLowerCase().split('-')[0]!;
  const known: Record<string, string> = {
    http: 'HTTP',
    http2: 'HTTP2',
    grpc: 'GRPC',
    'grpc-web': 'GRPC-Web',
    https: 'HTTPS',
    tcp: 'TCP',
    tls: 'TLS',
    mongo: 'Mongo',
    redis: 'Redis',
    mysql: 'MySQL',
  };
  return known[v] ?? 'UnsupportedProtocol';
}

async function describePod(ctx: RunContext, store: ObjectStore): Promise<number> {
  const [kind, arg] = ctx.args;
  if (kind !== 'pod' && kind !== 'po' && kind !== 'pods')
    throw new CommandError(`unknown command "${kind ?? ''}" for "istioctl experimental describe"`);
  if (!arg) throw new CommandError('expecting pod name');
  const [name, ns = ctx.namespace] = arg.split('.') as [string, string?];
  const pod = getOf(store, 'pods', ns, name);
  if (!pod) throw new CommandError(`pods "${name}" not found`);
  const out = ctx.io.stdout;
  const kname = (o: KubeObject) =>
    o.metadata.namespace === ctx.namespace ? String(o.metadata.name) : `${o.metadata.name}.${o.metadata.namespace}`;
  type C = {name: string; ports?: {containerPort: number; protocol?: string; name?: string}[]};
  const containers = ((pod.spec ?? {}) as {containers?: C[]}).containers ?? [];
  const ports = containers.flatMap((c) =>
    (c.ports ?? []).map(
      (p) => `${p.containerPort}${(p.protocol ?? 'TCP') !== 'TCP' ? `/${p.protocol}` : ''} (${c.name})`,
    ),
  );
  const annotations = pod.metadata.annotations ?? {};
  let revision = annotations['istio.io/rev'] ?? '';
  if (!revision && annotations['sidecar.istio.io/status']) {
    try {
      revision = String((JSON.parse(annotations['sidecar.istio.io/status']) as {revision?: string}).revision ?? '');
    } catch {
      revision = '';
    }
  }
  out.write(`Pod: ${kname(pod)}\n`);
  out.write(`   Pod Revision: ${revision}\n`);
  out.write(ports.length ? `   Pod Ports: ${ports.join(', ')}\n` : '   Pod does not expose ports\n');
  const status = (pod.status ?? {}) as {phase?: string; containerStatuses?: {name: string; ready: boolean}[]};
  const labels = labelsOf(pod);
  const svcs = listOf(store, 'services', {namespace: ns}).filter((s) => {
    const sel = ((s.spec ?? {}) as {selector?: Record<string, string>}).selector;
    return sel && Object.keys(sel).length && selectorObjectMatcher({matchLabels: sel})(labels);
  });
  const meshed = containers.some((c) => c.name === 'istio-proxy');
  if (status.phase === 'Running') {
    for (const c of status.containerStatuses ?? [])
      if (!c.ready) out.write(`WARNING: Pod ${kname(pod)} Container ${c.name} NOT READY\n`);
    // --ignoreUnmeshed: printPod stops before the mesh membership warning and the label suggestions
    const ignore = bool(ctx.flags.ignoreUnmeshed);
    if (!meshed && !ignore) out.write(`WARNING: ${kname(pod)} is not part of mesh; no Istio sidecar\n`);
    else if (!ignore) {
      if (!labels['service.istio.io/canonical-name'] && !labels['app.kubernetes.io/name'] && !labels.app)
        out.write(`Suggestion: add required service name label for Istio telemetry. See ${DEPLOYMENT_REQUIREMENTS}.\n`);
      if (!labels['service.istio.io/canonical-revision'] && !labels['app.kubernetes.io/version'] && !labels.version)
        out.write(
          `Suggestion: add required service revision label for Istio telemetry. See ${DEPLOYMENT_REQUIREMENTS}.\n`,
        );
    }
  } else out.write(`   Pod is not Running (${status.phase ?? 'Pending'})\n`);
  if (!svcs.length && !bool(ctx.flags.ignoreUnmeshed))
    out.write(
      `Warning: No Kubernetes Services select pod ${kname(pod)} (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )\n`,
    );
  out.write('--------------------\n');
  // describePodServices reads the sidecar's config dump through its admin port
  if (meshed && Number(ctx.flags['proxy-admin-port'] ?? 15000) !== 15000)
    throw new CommandError(
      `--proxy-admin-port ${String(ctx.flags['proxy-admin-port'])} is not simulated in the Ambient Lab sandbox: Envoy's admin API listens on 15000 (the default)`,
    );
  if (!meshed)
    throw new CommandError(
      `failed to execute command on sidecar: error execing into ${name}/${ns} istio-proxy container: container istio-proxy is not valid for pod ${name}`,
    );
  svcs.forEach((s, i) => {
    if (i) out.write('--------------------\n');
    out.write(`Service: ${kname(s)}\n`);
    for (const p of ((s.spec ?? {}) as {ports?: Port[]}).ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const tp = p.targetPort ?? p.port;
      const podPort =
        typeof tp === 'number'
          ? tp
          : containers.flatMap((c) => c.ports ?? []).find((x) => x.name === tp)?.containerPort;
      if (podPort === undefined) out.write(`   no container port named ${String(tp)}\n`);
      else out.write(`   Port: ${p.name ?? ''} ${p.port}/${protocolFor(p)} targets pod port ${podPort}\n`);
    }
  });
  out.write('--------------------\n');
  const mtls = effectiveMtls(readWorld(store), pod, 0);
  out.write(`Effective PeerAuthentication:\n   Workload mTLS mode: ${mtls.mode}\n`);
  const gateways = listOf(store, 'pods', {labelSelector: 'istio=ingressgateway'});
  if (!gateways.length) out.write('Skipping Gateway information (no ingress gateway pods)\n');
  return 0;
}

/** pod's and service's flags (describe.go podDescribeCmd, svcDescribeCmd) */
const DESCRIBE_FLAGS: FlagSpec[] = [
  {name: 'ignoreUnmeshed', type: 'bool', usage: 'Suppress warnings for unmeshed pods'},
  {name: 'proxy-admin-port', type: 'int', default: 15000, usage: 'Envoy proxy admin port'},
];

/** util.ExperimentalMsg (istioctl/pkg/util/constants.go), which both children append to their Long */
const EXPERIMENTAL_MSG = 'THIS COMMAND IS UNDER ACTIVE DEVELOPMENT AND NOT READY FOR PRODUCTION USE.';

/** `x describe pod` (istioctl/pkg/describe/describe.go podDescribeCmd, 1.29.6); the upstream example's trailing space kept */
const DESCRIBE_POD: HelpText = {
  path: ['experimental', 'describe', 'pod'],
  aliases: ['po'],
  short: 'Describe pods and their Istio configuration [kube-only]',
  long: `Analyzes pod, its Services, DestinationRules, and VirtualServices and reports
the configuration objects that affect that pod.

${EXPERIMENTAL_MSG}`,
  example: `  # Pod query with inferred namespace (current context's namespace)
  istioctl experimental describe pod helloworld-v1-676yyy3y5r-d8hdl

  # Pod query with explicit namespace${' '}
  istioctl experimental describe pod istio-eastwestgateway-7f4b4f44b-6zd95.istio-system
  or
  istioctl experimental describe pod istio-eastwestgateway-7f4b4f44b-6zd95 -n istio-system`,
  use: 'istioctl experimental describe pod <pod-name>[.<namespace>] [flags]',
  flags: DESCRIBE_FLAGS,
};

/** `x describe service` (describe.go svcDescribeCmd, 1.29.6): its help only, the sandbox describes pods */
const DESCRIBE_SERVICE: HelpText = {
  path: ['experimental', 'describe', 'service'],
  aliases: ['svc'],
  short: 'Describe services and their Istio configuration [kube-only]',
  long: `Analyzes service, pods, DestinationRules, and VirtualServices and reports
the configuration objects that affect that service.

${EXPERIMENTAL_MSG}`,
  example: `  # Service query with inferred namespace (current context's namespace)
  istioctl experimental describe service productpage

  # Service query with explicit namespace
  istioctl experimental describe service istio-ingressgateway.istio-system
  or
  istioctl experimental describe service istio-ingressgateway -n istio-system`,
  use: 'istioctl experimental describe service <svc-name>[.<namespace>] [flags]',
  flags: DESCRIBE_FLAGS,
};

/** `x describe` and its `pod` in one command; its help is cobra's for the group or the named child */
export const describeCommand: IstioctlCommand = {
  path: ['experimental', 'describe'],
  aliases: ['des'],
  short: 'Describe resource and related Istio configuration',
  use: 'istioctl experimental describe pod <pod>[.<namespace>] [flags]',
  needsCluster: true,
  flags: DESCRIBE_FLAGS,
  helpGroup: {group: DESCRIBE, children: [DESCRIBE_POD, DESCRIBE_SERVICE]},
  run: describePod,
};
