import {isPlainObject} from './patch-merge';
import type {KubeObject, ResourceType} from './types';
import type {Disposable} from '../kit/disposable';

/**
 * Defaulting and mutation the real API server does while storing an object (registry strategies and admission):
 * behaviour as data, one entry per resource. `ctx.allocateClusterIP` comes from the store (it knows what is taken).
 */
export interface AdmissionContext {
  allocateClusterIP(): string;
  /** the default StorageClass's name (the DefaultStorageClass admission plugin), if one is marked default */
  defaultStorageClass?(): string | undefined;
  /** a free nodePort in 30000-32767 (the allocator never hands out a taken one) */
  allocateNodePort?(protocol: string): number;
}

interface Defaulting {
  /** on create and on every update of the main resource */
  mutate?(obj: KubeObject, ctx: AdmissionContext, old?: KubeObject): void;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (isPlainObject(v) ? v : {});

function podSpecDefaults(specIn: unknown): Json {
  const spec = obj(specIn);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of (spec[list] as Json[] | undefined) ?? []) {
      const image = String(c.image ?? '');
      const tag = /:[^/]+$/.test(image.split('@')[0]!) ? image.split(':').pop() : '';
      c.imagePullPolicy ??= !image.includes('@') && (!tag || tag === 'latest') ? 'Always' : 'IfNotPresent';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.resources ??= {};
      for (const p of (c.ports as Json[] | undefined) ?? []) p.protocol ??= 'TCP';
    }
  }
  return spec;
}

function templateDefaults(o: KubeObject): void {
  const spec = obj(o.spec);
  const template = obj(spec.template);
  template.spec = podSpecDefaults(template.spec);
  template.metadata ??= {};
  spec.template = template;
  o.spec = spec;
}

const ADMISSION: Record<string, Defaulting> = {
  namespaces: {
    mutate(o, _ctx, old) {
      // the NamespaceAutoLabel behaviour (1.21+): every namespace carries its own name as a label
      o.metadata.labels = {...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': String(o.metadata.name)};
      o.spec = {finalizers: ['kubernetes'], ...obj(o.spec)};
      o.status = old ? old.status : {phase: 'Active'};
    },
  },
  secrets: {
    mutate(o) {
      o.type ??= 'Opaque';
      // stringData is write-only: the apiserver folds it into data (base64) and never stores it
      if (isPlainObject(o.stringData)) {
        const data = obj(o.data);
        for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        o.data = data;
      }
      delete o.stringData;
    },
  },
  services: {
    mutate(o, ctx, old) {
      const spec = obj(o.spec);
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      for (const p of (spec.ports as Json[] | undefined) ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      const oldSpec = obj(old?.spec);
      if (spec.type !== 'ExternalName') {
        if (!spec.clusterIP) spec.clusterIP = (oldSpec.clusterIP as string | undefined) ?? ctx.allocateClusterIP();
        spec.clusterIPs ??= [spec.clusterIP];
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        spec.externalTrafficPolicy ??= 'Cluster';
        const oldPorts = (oldSpec.ports as Json[] | undefined) ?? [];
        for (const p of (spec.ports as Json[] | undefined) ?? [])
          p.nodePort ??=
            oldPorts.find((q) => q.port === p.port)?.nodePort ??
            ctx.allocateNodePort?.(String(p.protocol ?? 'TCP')) ??
            30000 + Math.floor(Math.random() * 2768);
      }
      o.spec = spec;
      o.status ??= {loadBalancer: {}};
    },
  },
  deployments: {
    mutate(o) {
      const spec = obj(o.spec);
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      const strategy = obj(spec.strategy);
      strategy.type ??= 'RollingUpdate';
      if (strategy.type === 'RollingUpdate')
        strategy.rollingUpdate = {maxUnavailable: '25%', maxSurge: '25%', ...obj(strategy.rollingUpdate)};
      spec.strategy = strategy;
      o.spec = spec;
      templateDefaults(o);
    },
  },
  replicasets: {mutate: (o) => ((obj(o.spec).replicas ??= 1), templateDefaults(o))},
  statefulsets: {
    mutate(o) {
      const spec = obj(o.spec);
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {partition: 0}};
      spec.revisionHistoryLimit ??= 10;
      o.spec = spec;
      templateDefaults(o);
    },
  },
  daemonsets: {
    mutate(o) {
      const spec = obj(o.spec);
      spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}};
      spec.revisionHistoryLimit ??= 10;
      o.spec = spec;
      templateDefaults(o);
    },
  },
  jobs: {
    mutate(o) {
      const spec = obj(o.spec);
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.completionMode ??= 'NonIndexed';
      o.spec = spec;
      templateDefaults(o);
      obj(obj(spec.template).spec).restartPolicy ??= 'Never';
    },
  },
  pods: {
    mutate(o, _ctx, old) {
      o.spec = podSpecDefaults(o.spec);
      const spec = o.spec as Json;
      spec.serviceAccountName ??= 'default';
      spec.serviceAccount ??= spec.serviceAccountName;
      spec.enableServiceLinks ??= true;
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
      spec.priority ??= 0;
      o.status = old ? old.status : {phase: 'Pending', qosClass: 'BestEffort'};
    },
  },
  persistentvolumeclaims: {
    mutate(o, ctx, old) {
      const spec = obj(o.spec);
      spec.volumeMode ??= 'Filesystem';
      // plugin/pkg/admission/storage/storageclass/setdefault: only on create, only when the field is absent
      // (an explicit "" asks for no class)
      if (!old && spec.storageClassName === undefined) {
        const cls = ctx.defaultStorageClass?.();
        if (cls) spec.storageClassName = cls;
      }
      o.spec = spec;
      o.status = old ? old.status : {phase: 'Pending'};
    },
  },
  customresourcedefinitions: {
    mutate(o) {
      const spec = obj(o.spec);
      const names = obj(spec.names);
      names.singular ??= String(names.kind ?? '').toLowerCase();
      names.listKind ??= `${String(names.kind ?? '')}List`;
      spec.names = names;
      o.spec = spec;
      // the CRD controllers accept the names at once; kubectl wait --for=condition=Established relies on this
      const at = o.metadata.creationTimestamp ?? undefined;
      const cond = (type: string, reason: string, message: string) => ({
        type,
        status: 'True',
        lastTransitionTime: at,
        reason,
        message,
      });
      o.status = {
        conditions: [
          cond('NamesAccepted', 'NoConflicts', 'no conflicts found'),
          cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
        ],
        acceptedNames: names,
        storedVersions: ((spec.versions as Json[] | undefined) ?? []).filter((v) => v.storage).map((v) => v.name),
      };
    },
  },
};

/** a mutation added from outside the API (a mutating webhook's stand-in, e.g. the mesh's sidecar injector) */
export type MutationHook = (obj: KubeObject, ctx: AdmissionContext, old?: KubeObject) => void;

/**
 * The admission chain of one store: the built-in defaulting above, then the mutations registered on this store
 * (as mutating webhooks run after defaulting). Each store has its own, so one sandbox's webhooks never touch
 * another's objects.
 */
export class Admission {
  private readonly hooks = new Map<string, Set<MutationHook>>();

  /**
   * Run fn after the built-in defaulting of every create/update of `resource` (plural, e.g. "pods"). Hooks see
   * `old` on updates, so a create-only webhook returns when it is set.
   */
  register(resource: string, fn: MutationHook): Disposable {
    let set = this.hooks.get(resource);
    if (!set) this.hooks.set(resource, (set = new Set()));
    set.add(fn);
    return {
      dispose: () => {
        set.delete(fn);
        if (set.size === 0) this.hooks.delete(resource);
      },
    };
  }

  admit(type: ResourceType, o: KubeObject, ctx: AdmissionContext, old?: KubeObject): void {
    if (!type.custom) ADMISSION[type.resource]?.mutate?.(o, ctx, old);
    for (const fn of this.hooks.get(type.resource) ?? []) fn(o, ctx, old);
  }
}
