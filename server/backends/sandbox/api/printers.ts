import type {
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
} from 'kubernetes-types/admissionregistration/v1';
import type {CustomResourceDefinition} from 'kubernetes-types/apiextensions/v1';
import type {ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet} from 'kubernetes-types/apps/v1';
import type {HorizontalPodAutoscaler} from 'kubernetes-types/autoscaling/v2';
import type {CronJob, Job} from 'kubernetes-types/batch/v1';
import type {Lease} from 'kubernetes-types/coordination/v1';
import type {
  ConfigMap,
  EndpointPort,
  Endpoints,
  Event as CoreEvent,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodTemplateSpec,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import type {EndpointSlice} from 'kubernetes-types/discovery/v1';
import type {Event as EventsEvent} from 'kubernetes-types/events/v1';
import type {LabelSelector} from 'kubernetes-types/meta/v1';
import type {Ingress, IngressClass, NetworkPolicy} from 'kubernetes-types/networking/v1';
import type {PodDisruptionBudget} from 'kubernetes-types/policy/v1';
import type {RoleBinding} from 'kubernetes-types/rbac/v1';
import type {PriorityClass} from 'kubernetes-types/scheduling/v1';
import type {StorageClass} from 'kubernetes-types/storage/v1';
import {age, humanDuration} from './human-duration';
import type {KubeObject, Typed} from './types';

/**
 * Per-kind Table columns, copied from the API server's printers (pkg/printers/internalversion) so `kubectl get`
 * prints what it prints against a cluster. priority 1 = only with `-o wide`. Behaviour as data: one entry a kind.
 */
export interface Column<T extends KubeObject = KubeObject> {
  name: string;
  type?: string;
  priority?: number;
  cell: (o: T, now: Date) => unknown;
}

/**
 * One kind's columns, each reading the object as that kind (kubernetes-types): a view of what the store holds,
 * validated when it was written. A cell that meets an odd object anyway fails alone (table.ts safeCell).
 */
function kindColumns<T>(cols: Column<Typed<T>>[]): Column[] {
  return cols.map((c) => ({...c, cell: (o: KubeObject, now: Date) => c.cell(o as Typed<T>, now)}));
}

const none = (s: string | undefined | null) => (s === undefined || s === null || s === '' ? '<none>' : s);
const ageCol: Column = {name: 'Age', cell: (o, now) => age(o.metadata?.creationTimestamp, now)};
const nameCol: Column = {name: 'Name', cell: (o) => o.metadata?.name};
const wide = <T extends KubeObject>(name: string, cell: Column<T>['cell']): Column<T> => ({name, priority: 1, cell});

function selectorText(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else parts.push(op === 'Exists' ? e.key : `!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

const mapText = (m: Record<string, string> | undefined) => {
  const e = Object.entries(m ?? {});
  return e.length
    ? e
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(',')
    : '<none>';
};

/** what every workload with a pod template has */
type Workload = Typed<{spec?: {template?: PodTemplateSpec}}>;
const containers = (o: Workload) => o.spec?.template?.spec?.containers ?? [];
const selectorWide = wide<Typed<{spec?: {selector?: LabelSelector}}>>('Selector', (o) =>
  selectorText(o.spec?.selector),
);
const workloadWide = (): Column<Workload>[] => [
  wide('Containers', (o) =>
    containers(o)
      .map((c) => c.name)
      .join(','),
  ),
  wide('Images', (o) =>
    containers(o)
      .map((c) => c.image)
      .join(','),
  ),
];
const workloadWideWithSelector = (): Column<
  Typed<{spec?: {template?: PodTemplateSpec; selector?: LabelSelector}}>
>[] => [...workloadWide(), selectorWide];

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

type PodT = Typed<Pod>;

function podStatus(o: PodT): string {
  const st = o.status ?? {};
  let reason: string = st.reason || st.phase || 'Unknown';
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t)
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(o.spec?.initContainers ?? []).length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...(st.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (o.metadata?.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(o: PodT, now: Date): string {
  let restarts = 0;
  let last = 0;
  for (const c of [...(o.status?.initContainerStatuses ?? []), ...(o.status?.containerStatuses ?? [])]) {
    restarts += num(c.restartCount);
    const t = c.lastState?.terminated?.finishedAt;
    if (t) last = Math.max(last, Date.parse(t));
  }
  return last && restarts ? `${restarts} (${humanDuration(now.getTime() - last)} ago)` : String(restarts);
}

/** printNode (k8s pkg/printers/internalversion/printers.go): any Ready status but True, Unknown too, is NotReady */
function nodeStatus(o: Typed<Node>): string {
  const ready = (o.status?.conditions ?? []).find((c) => c.type === 'Ready');
  let s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  if (o.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.add(String(v));
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

/** undefined for an ExternalName Service without a name: the cell is then empty */
function serviceExternalIP(o: Typed<Service>): string | undefined {
  const spec = o.spec ?? {};
  const ext: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const ing = (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname).filter(Boolean);
      const all = [...ing, ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName;
    default:
      return '<unknown>';
  }
}

function servicePorts(o: Typed<Service>): string {
  const ports = o.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
}

function endpointsText(o: Typed<Endpoints>): string {
  const all: string[] = [];
  for (const s of o.subsets ?? []) {
    const ports: Partial<EndpointPort>[] = s.ports?.length ? s.ports : [{}];
    for (const a of s.addresses ?? [])
      for (const p of ports) all.push(p.port !== undefined ? `${a.ip}:${p.port}` : a.ip);
  }
  if (!all.length) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

/** core/v1 Events, and the events.k8s.io/v1 fields the same printer reads (regarding, note) */
type EventT = Typed<CoreEvent & Pick<EventsEvent, 'regarding' | 'note'>>;

function eventLastSeen(o: EventT, now: Date): string {
  const t = o.series?.lastObservedTime ?? o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
  return age(t, now);
}

function jobStatus(o: Typed<Job>): string {
  const has = (t: string) => (o.status?.conditions ?? []).some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobDuration(o: Typed<Job>, now: Date): string {
  const start = o.status?.startTime;
  if (!start) return '';
  const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now.getTime();
  return humanDuration(end - Date.parse(start));
}

const createdAt: Column = {name: 'Created At', type: 'date', cell: (o) => o.metadata?.creationTimestamp};

function bindingSubjects(kind: string) {
  return (o: Typed<RoleBinding>) => {
    const s = (o.subjects ?? [])
      .filter((x) => x.kind === kind)
      .map((x) => (kind === 'ServiceAccount' ? `${x.namespace ?? ''}/${x.name}` : x.name));
    return s.join(', ');
  };
}

const events: Column<EventT>[] = [
  {name: 'Last Seen', cell: eventLastSeen},
  {name: 'Type', cell: (o) => o.type},
  {name: 'Reason', cell: (o) => o.reason},
  {
    name: 'Object',
    cell: (o) =>
      `${String(o.involvedObject?.kind ?? o.regarding?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? o.regarding?.name ?? ''}`,
  },
  wide('Subobject', (o) => o.involvedObject?.fieldPath ?? ''),
  wide('Source', (o) => [o.source?.component ?? o.reportingComponent, o.source?.host].filter(Boolean).join(', ')),
  {name: 'Message', cell: (o) => String(o.message ?? o.note ?? '').trim()},
  wide('First Seen', (o, now) => age(o.firstTimestamp ?? o.eventTime, now)),
  wide('Count', (o) => o.count ?? o.series?.count ?? 1),
  wide('Name', (o) => o.metadata?.name),
];

export const PRINTERS: Record<string, Column[]> = {
  pods: kindColumns<Pod>([
    nameCol,
    {
      name: 'Ready',
      cell: (o) =>
        `${(o.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`,
    },
    {name: 'Status', cell: podStatus},
    {name: 'Restarts', cell: podRestarts},
    ageCol,
    wide('IP', (o) => none(o.status?.podIP)),
    wide('Node', (o) => none(o.spec?.nodeName)),
    wide('Nominated Node', (o) => none(o.status?.nominatedNodeName)),
    wide('Readiness Gates', (o) => {
      const gates = o.spec?.readinessGates ?? [];
      if (!gates.length) return '<none>';
      const ok = gates.filter((g) =>
        (o.status?.conditions ?? []).some((c) => c.type === g.conditionType && c.status === 'True'),
      ).length;
      return `${ok}/${gates.length}`;
    }),
  ]),
  namespaces: kindColumns<Namespace>([nameCol, {name: 'Status', cell: (o) => o.status?.phase}, ageCol]),
  nodes: kindColumns<Node>([
    nameCol,
    {name: 'Status', cell: nodeStatus},
    {name: 'Roles', cell: nodeRoles},
    ageCol,
    {name: 'Version', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? ''},
    wide('Internal-IP', (o) => none((o.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address)),
    wide('External-IP', (o) => none((o.status?.addresses ?? []).find((a) => a.type === 'ExternalIP')?.address)),
    wide('OS-Image', (o) => o.status?.nodeInfo?.osImage ?? '<unknown>'),
    wide('Kernel-Version', (o) => o.status?.nodeInfo?.kernelVersion ?? '<unknown>'),
    wide('Container-Runtime', (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>'),
  ]),
  services: kindColumns<Service>([
    nameCol,
    {name: 'Type', cell: (o) => o.spec?.type},
    {name: 'Cluster-IP', cell: (o) => none(o.spec?.clusterIP)},
    {name: 'External-IP', cell: serviceExternalIP},
    {name: 'Port(s)', cell: servicePorts},
    ageCol,
    wide('Selector', (o) => mapText(o.spec?.selector)),
  ]),
  endpoints: kindColumns<Endpoints>([nameCol, {name: 'Endpoints', cell: endpointsText}, ageCol]),
  deployments: kindColumns<Deployment>([
    nameCol,
    {name: 'Ready', cell: (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`},
    {name: 'Up-to-date', cell: (o) => num(o.status?.updatedReplicas)},
    {name: 'Available', cell: (o) => num(o.status?.availableReplicas)},
    ageCol,
    ...workloadWideWithSelector(),
  ]),
  replicasets: kindColumns<ReplicaSet>([
    nameCol,
    {name: 'Desired', cell: (o) => num(o.spec?.replicas)},
    {name: 'Current', cell: (o) => num(o.status?.replicas)},
    {name: 'Ready', cell: (o) => num(o.status?.readyReplicas)},
    ageCol,
    ...workloadWideWithSelector(),
  ]),
  daemonsets: kindColumns<DaemonSet>([
    nameCol,
    {name: 'Desired', cell: (o) => num(o.status?.desiredNumberScheduled)},
    {name: 'Current', cell: (o) => num(o.status?.currentNumberScheduled)},
    {name: 'Ready', cell: (o) => num(o.status?.numberReady)},
    {name: 'Up-to-date', cell: (o) => num(o.status?.updatedNumberScheduled)},
    {name: 'Available', cell: (o) => num(o.status?.numberAvailable)},
    {name: 'Node Selector', cell: (o) => mapText(o.spec?.template?.spec?.nodeSelector)},
    ageCol,
    ...workloadWideWithSelector(),
  ]),
  statefulsets: kindColumns<StatefulSet>([
    nameCol,
    {name: 'Ready', cell: (o) => `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`},
    ageCol,
    ...workloadWide(),
  ]),
  jobs: kindColumns<Job>([
    nameCol,
    {name: 'Status', cell: jobStatus},
    {name: 'Completions', cell: (o) => `${num(o.status?.succeeded)}/${o.spec?.completions ?? 1}`},
    {name: 'Duration', cell: jobDuration},
    ageCol,
    ...workloadWideWithSelector(),
  ]),
  cronjobs: kindColumns<CronJob>([
    nameCol,
    {name: 'Schedule', cell: (o) => o.spec?.schedule},
    {name: 'Timezone', cell: (o) => none(o.spec?.timeZone)},
    {name: 'Suspend', cell: (o) => String(o.spec?.suspend ?? false)},
    {name: 'Active', cell: (o) => (o.status?.active ?? []).length},
    {
      name: 'Last Schedule',
      cell: (o, now) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>'),
    },
    ageCol,
    wide('Containers', (o) =>
      (o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []).map((c) => c.name).join(','),
    ),
    wide('Images', (o) => (o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(',')),
    wide('Selector', (o) => selectorText(o.spec?.jobTemplate?.spec?.selector)),
  ]),
  secrets: kindColumns<Secret>([
    nameCol,
    {name: 'Type', cell: (o) => o.type},
    {name: 'Data', cell: (o) => Object.keys(o.data ?? {}).length},
    ageCol,
  ]),
  configmaps: kindColumns<ConfigMap>([
    nameCol,
    {name: 'Data', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length},
    ageCol,
  ]),
  serviceaccounts: kindColumns<ServiceAccount>([
    nameCol,
    {name: 'Secrets', cell: (o) => (o.secrets ?? []).length},
    ageCol,
  ]),
  events: kindColumns<CoreEvent & Pick<EventsEvent, 'regarding' | 'note'>>(events),
  customresourcedefinitions: kindColumns<CustomResourceDefinition>([nameCol, createdAt]),
  rolebindings: kindColumns<RoleBinding>([
    nameCol,
    {name: 'Role', cell: (o) => `${o.roleRef?.kind}/${o.roleRef?.name}`},
    ageCol,
    wide('Users', bindingSubjects('User')),
    wide('Groups', bindingSubjects('Group')),
    wide('ServiceAccounts', bindingSubjects('ServiceAccount')),
  ]),
  ingresses: kindColumns<Ingress>([
    nameCol,
    {name: 'Class', cell: (o) => none(o.spec?.ingressClassName)},
    {name: 'Hosts', cell: (o) => (o.spec?.rules ?? []).map((r) => r.host ?? '*').join(',') || '*'},
    {name: 'Address', cell: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname).join(',')},
    {name: 'Ports', cell: (o) => ((o.spec?.tls ?? []).length ? '80, 443' : '80')},
    ageCol,
  ]),
  leases: kindColumns<Lease>([nameCol, {name: 'Holder', cell: (o) => o.spec?.holderIdentity ?? ''}, ageCol]),
  endpointslices: kindColumns<EndpointSlice>([
    nameCol,
    {name: 'AddressType', cell: (o) => o.addressType},
    {name: 'Ports', cell: (o) => (o.ports ?? []).map((p) => p.port).join(',') || '<unset>'},
    {
      name: 'Endpoints',
      cell: (o) => {
        const ips = (o.endpoints ?? []).flatMap((e) => e.addresses ?? []);
        return ips.length
          ? ips.length > 3
            ? `${ips.slice(0, 3).join(',')} + ${ips.length - 3} more...`
            : ips.join(',')
          : '<unset>';
      },
    },
    ageCol,
  ]),
  storageclasses: kindColumns<StorageClass>([
    {
      name: 'Name',
      cell: (o) =>
        o.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true'
          ? `${o.metadata.name} (default)`
          : o.metadata?.name,
    },
    {name: 'Provisioner', cell: (o) => o.provisioner},
    {name: 'ReclaimPolicy', cell: (o) => o.reclaimPolicy ?? 'Delete'},
    {name: 'VolumeBindingMode', cell: (o) => o.volumeBindingMode ?? 'Immediate'},
    {name: 'AllowVolumeExpansion', cell: (o) => String(o.allowVolumeExpansion ?? false)},
    ageCol,
  ]),
};
PRINTERS.clusterrolebindings = PRINTERS.rolebindings!;

const accessModes = (m: string[] | undefined) =>
  (m ?? [])
    .map((x) => ({ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP'})[x] ?? x)
    .join(',');

/**
 * kubernetes pkg/printers/internalversion formatHPAMetrics: `cpu: 3%/50%` per metric (`<unknown>` before the
 * controller measured it), at most two then `+ N more...`, `<none>` without metrics
 */
function hpaTargets(o: Typed<HorizontalPodAutoscaler>): string {
  const specs = o.spec?.metrics ?? [];
  if (!specs.length) return '<none>';
  const statuses = o.status?.currentMetrics ?? [];
  const list = specs.map((m, i) => {
    const st = statuses[i];
    if (m.type === 'Resource' || m.type === 'ContainerResource') {
      const r = m.type === 'Resource' ? m.resource : m.containerResource;
      const cur = m.type === 'Resource' ? st?.resource?.current : st?.containerResource?.current;
      if (r?.target?.averageValue !== undefined)
        return `${r.name}: ${cur?.averageValue ?? '<unknown>'}/${r.target.averageValue}`;
      const current = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>';
      const target = r?.target?.averageUtilization !== undefined ? `${r.target.averageUtilization}%` : '<auto>';
      return `${r?.name}: ${current}/${target}`;
    }
    return `<unknown>/<unknown>`;
  });
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

Object.assign(PRINTERS, {
  horizontalpodautoscalers: kindColumns<HorizontalPodAutoscaler>([
    nameCol,
    {name: 'Reference', cell: (o) => `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`},
    {name: 'Targets', cell: (o) => hpaTargets(o)},
    {name: 'MinPods', cell: (o) => o.spec?.minReplicas ?? 1},
    {name: 'MaxPods', cell: (o) => o.spec?.maxReplicas},
    {name: 'Replicas', cell: (o) => num(o.status?.currentReplicas)},
    ageCol,
  ]),
  persistentvolumeclaims: kindColumns<PersistentVolumeClaim>([
    nameCol,
    {name: 'Status', cell: (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? 'Pending'))},
    {name: 'Volume', cell: (o) => o.spec?.volumeName ?? ''},
    {name: 'Capacity', cell: (o) => o.status?.capacity?.storage ?? ''},
    {name: 'Access Modes', cell: (o) => accessModes(o.status?.accessModes)},
    {name: 'StorageClass', cell: (o) => o.spec?.storageClassName ?? '<unset>'},
    {name: 'VolumeAttributesClass', cell: (o) => o.spec?.volumeAttributesClassName ?? '<unset>'},
    ageCol,
    wide('VolumeMode', (o) => o.spec?.volumeMode ?? 'Filesystem'),
  ]),
  persistentvolumes: kindColumns<PersistentVolume>([
    nameCol,
    {name: 'Capacity', cell: (o) => o.spec?.capacity?.storage ?? ''},
    {name: 'Access Modes', cell: (o) => accessModes(o.spec?.accessModes)},
    {name: 'Reclaim Policy', cell: (o) => o.spec?.persistentVolumeReclaimPolicy ?? 'Retain'},
    {name: 'Status', cell: (o) => o.status?.phase ?? 'Pending'},
    {name: 'Claim', cell: (o) => (o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '')},
    {name: 'StorageClass', cell: (o) => o.spec?.storageClassName ?? ''},
    {name: 'VolumeAttributesClass', cell: (o) => o.spec?.volumeAttributesClassName ?? '<unset>'},
    {name: 'Reason', cell: (o) => o.status?.reason ?? ''},
    ageCol,
    wide('VolumeMode', (o) => o.spec?.volumeMode ?? 'Filesystem'),
  ]),
  poddisruptionbudgets: kindColumns<PodDisruptionBudget>([
    nameCol,
    {name: 'Min Available', cell: (o) => o.spec?.minAvailable ?? 'N/A'},
    {name: 'Max Unavailable', cell: (o) => o.spec?.maxUnavailable ?? 'N/A'},
    {name: 'Allowed Disruptions', cell: (o) => num(o.status?.disruptionsAllowed)},
    ageCol,
  ]),
  networkpolicies: kindColumns<NetworkPolicy>([
    nameCol,
    {
      name: 'Pod-Selector',
      cell: (o) => (selectorText(o.spec?.podSelector) === '<none>' ? '<none>' : selectorText(o.spec?.podSelector)),
    },
    ageCol,
  ]),
  ingressclasses: kindColumns<IngressClass>([
    nameCol,
    {name: 'Controller', cell: (o) => o.spec?.controller},
    {
      name: 'Parameters',
      cell: (o) => (o.spec?.parameters ? `${o.spec.parameters.kind}/${o.spec.parameters.name}` : '<none>'),
    },
    ageCol,
  ]),
  priorityclasses: kindColumns<PriorityClass>([
    nameCol,
    {name: 'Value', cell: (o) => o.value},
    {name: 'Global-Default', cell: (o) => String(o.globalDefault ?? false)},
    {name: 'Preemptionpolicy', cell: (o) => o.preemptionPolicy ?? 'PreemptLowerPriority'},
    ageCol,
  ]),
  mutatingwebhookconfigurations: kindColumns<MutatingWebhookConfiguration>([
    nameCol,
    {name: 'Webhooks', cell: (o) => (o.webhooks ?? []).length},
    ageCol,
  ]),
  validatingwebhookconfigurations: kindColumns<ValidatingWebhookConfiguration>([
    nameCol,
    {name: 'Webhooks', cell: (o) => (o.webhooks ?? []).length},
    ageCol,
  ]),
  controllerrevisions: kindColumns<ControllerRevision>([
    nameCol,
    {
      name: 'Controller',
      cell: (o) => {
        const c = (o.metadata?.ownerReferences ?? []).find((r) => r.controller);
        return c
          ? `${String(c.apiVersion).split('/')[0] === 'apps' ? `${c.kind.toLowerCase()}.apps` : c.kind.toLowerCase()}/${c.name}`
          : '<none>';
      },
    },
    {name: 'Revision', cell: (o) => o.revision},
    ageCol,
  ]),
  replicationcontrollers: kindColumns<ReplicationController>([
    nameCol,
    {name: 'Desired', cell: (o) => num(o.spec?.replicas)},
    {name: 'Current', cell: (o) => num(o.status?.replicas)},
    {name: 'Ready', cell: (o) => num(o.status?.readyReplicas)},
    ageCol,
    ...workloadWide(),
    wide('Selector', (o) => mapText(o.spec?.selector)),
  ]),
});

/** built-ins without a printer get the default table convertor's NAME, CREATED AT */
export const DEFAULT_COLUMNS: Column[] = [nameCol, createdAt];

export function printersFor(resource: string): Column[] {
  return PRINTERS[resource] ?? DEFAULT_COLUMNS;
}

export type {KubeObject};
