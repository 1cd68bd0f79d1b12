import {fromStorage, toStorage} from './conversion';
import {randomUUID} from 'node:crypto';
import {Admission} from './admission';
import {applyCrdSchema} from './crd-schema';
import {EventLog} from './event-log';
import {fieldMatcher} from './field-selector';
import {labelMatcher} from './label-selector';
import {encodeContinue, type ChunkRequest} from './list-chunks';
import {randomSuffix, timestamp} from './names';
import {clone} from './patch-merge';
import {errors} from './status';
import {TypeRegistry} from './type-registry';
import {
  apiVersionOf,
  type KubeObject,
  type ListOptions,
  type ResourceType,
  type StoreEvent,
  type WatchEventType,
} from './types';
import {validate, type ValidationContext} from './validation';
import {IN_PROCESS_MANAGER, updateManagedFields, type ManagedFieldsEntry} from './field-manager';
import {StoreQuota, type QuotaLimits} from './quota';
import {OwnerGraph} from './owner-graph';
import {systemClock, type Clock} from '../kit/clock';
import type {Disposable} from '../kit/disposable';

export interface StoreOptions {
  clock?: Clock;
  /** how many past events a watch can resume from (older resourceVersions get 410 Gone, as from etcd compaction) */
  historySize?: number;
  /** how long a deleted namespace stays Terminating before its content and itself are removed */
  namespaceFinalizeDelayMs?: number;
  /**
   * Delete scheduled pods gracefully, as the apiserver does: they get a deletionTimestamp and stay until a
   * kubelet (a controller) removes them with gracePeriodSeconds 0. Off until such a controller runs, or
   * `kubectl delete pod` would wait forever.
   */
  gracefulPodDeletion?: boolean;
  /**
   * Dependents are collected by a garbage-collector controller (cluster/controllers/garbage-collector.ts) through
   * `collectDependents`, in bounded batches, as kube-controller-manager's collector does after the DELETE has been
   * answered. Off (the API alone, as in its unit tests): collected inside the delete.
   */
  backgroundCollection?: boolean;
  /** what the sandbox may hold (api/quota.ts); DEFAULT_QUOTA when not given */
  quota?: QuotaLimits;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  /** 0 removes at once (`--force --grace-period=0`, or the kubelet confirming a pod is gone) */
  gracePeriodSeconds?: number;
  preconditions?: {uid?: string; resourceVersion?: string};
  dryRun?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** for custom resources: Strict refuses unknown fields (kubectl's default), Ignore/Warn prune them (the default in process) */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** "status" writes only .status (what controllers use); otherwise .status is kept as stored */
  subresource?: string;
  /**
   * Check the update rules a client's write meets (immutable fields, validation.ts UPDATE_RULES). The API's
   * handlers set it; the sandbox's controllers, which stand in for the apiserver's own strategies, do not.
   */
  checkImmutable?: boolean;
  /** who writes, for metadata.managedFields (field-manager.ts); in-process writers are k3s */
  fieldManager?: string;
  /** the managedFields a server-side apply computed (used as they are) */
  managedFields?: ManagedFieldsEntry[];
}

export interface WatchOptions {
  /** only this group/resource (any version) */
  resource?: Pick<ResourceType, 'group' | 'resource'>;
  /** replay changes after this resourceVersion first */
  sinceResourceVersion?: number;
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: {group: string; resource: string; object: KubeObject}[];
}

const FOREGROUND = 'foregroundDeletion';
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/**
 * One sandbox's objects: the etcd + registry layer of an API server, in memory.
 * Objects go in and come out as copies, so callers may change what they get. Every change gets the next
 * integer resourceVersion and is published to watchers (HTTP watches, persistence, controllers).
 */
export class ObjectStore {
  readonly types = new TypeRegistry();
  /** this store's admission chain: built-in defaulting plus the mutations registered here (webhooks) */
  readonly admission = new Admission();
  /** object count and stored bytes against the sandbox's limits, checked before every create and update */
  readonly quota: StoreQuota;
  readonly clock: Clock;
  private rv = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly events: EventLog;
  private readonly nsDelay: number;
  private readonly gracefulPods: boolean;
  private readonly backgroundCollection: boolean;
  private readonly timers = new Set<Disposable>();
  /** uids and ownerReferences of what is stored, for the garbage collector */
  private readonly graph = new OwnerGraph();

  constructor(opts: StoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.events = new EventLog(opts.historySize ?? 1000);
    this.nsDelay = opts.namespaceFinalizeDelayMs ?? 200;
    this.gracefulPods = opts.gracefulPodDeletion ?? false;
    this.backgroundCollection = opts.backgroundCollection ?? false;
    this.quota = new StoreQuota(opts.quota);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  // ---- reads -------------------------------------------------------------------------------------------

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.bucket(type).get(key(type, namespace, name));
    return o ? this.asVersion(type, clone(o)) : undefined;
  }

  /** get, or the NotFound error the API server gives */
  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.get(type, namespace, name);
    if (!o) throw errors.notFound(type, name);
    return o;
  }

  /**
   * Objects in key order (as etcd ranges them). With `chunk.limit`, at most that many, starting after
   * `chunk.startKey` (relative to the namespace when the list is inside one), with where to go on (list-chunks.ts).
   */
  list(
    type: ResourceType,
    opts: ListOptions = {},
    chunk: ChunkRequest = {limit: 0},
  ): {items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number} {
    const byLabel = labelMatcher(opts.labelSelector);
    const byField = fieldMatcher(type, opts.fieldSelector);
    const inNamespace = Boolean(opts.namespace && type.namespaced);
    const prefix = inNamespace ? `${opts.namespace}/` : '';
    const start = chunk.startKey === undefined ? undefined : prefix + chunk.startKey;
    const resourceVersion = chunk.resourceVersion ?? String(this.rv);
    const keys = [...this.bucket(type).keys()]
      .filter((k) => k.startsWith(prefix) && (start === undefined || k >= start))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const items: KubeObject[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const o = this.bucket(type).get(k)!;
      if (!byLabel(o.metadata.labels) || !byField(o)) continue;
      if (chunk.limit > 0 && items.length === chunk.limit) {
        // more match after the last one returned: hand out where to go on; the count only without selectors
        const last = keys[i - 1]!;
        const selectors = Boolean(opts.labelSelector || opts.fieldSelector);
        return {
          items,
          resourceVersion,
          continue: encodeContinue(last.slice(prefix.length), resourceVersion),
          ...(selectors ? {} : {remainingItemCount: keys.length - i}),
        };
      }
      items.push(this.asVersion(type, clone(o)));
    }
    return {items, resourceVersion};
  }

  /** the predicate a list with these options applies, for filtering watch events the same way */
  matcher(type: ResourceType, opts: ListOptions): (o: KubeObject) => boolean {
    const byLabel = labelMatcher(opts.labelSelector);
    const byField = fieldMatcher(type, opts.fieldSelector);
    return (o) =>
      (!opts.namespace || !type.namespaced || o.metadata.namespace === opts.namespace) &&
      byLabel(o.metadata.labels) &&
      byField(o);
  }

  // ---- writes ------------------------------------------------------------------------------------------

  create(type: ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const o = clone(input);
    o.apiVersion = apiVersionOf(type);
    o.kind = type.kind;
    toStorage(type, o);
    o.metadata = {...(o.metadata ?? {})};
    const m = o.metadata;
    if (!type.namespaced) delete m.namespace;
    const generated = !m.name && !!m.generateName;
    if (generated) m.name = m.generateName + randomSuffix();
    validate(type, o, undefined, this.validationContext());
    if (type.custom) applyCrdSchema(type, o, opts.fieldValidation ?? 'Ignore');
    if (type.namespaced) this.checkNamespaceOpen(type, String(m.namespace), String(m.name));
    // a generated name that is taken is generated again (RetryGenerateName, on by default since 1.31): 5 random
    // characters collide about once in 20000 pods of one ReplicaSet
    for (let i = 0; generated && i < 7 && this.bucket(type).has(key(type, m.namespace, m.name!)); i++)
      m.name = m.generateName + randomSuffix();
    if (this.bucket(type).has(key(type, m.namespace, m.name!))) throw errors.alreadyExists(type, m.name!);
    m.uid = randomUUID();
    m.creationTimestamp = timestamp(this.clock.now());
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.resourceVersion;
    delete m.selfLink;
    delete m.managedFields;
    if (hasGeneration(type)) m.generation = 1;
    else delete m.generation;
    this.admission.admit(type, o, this.admissionContext());
    const managed = opts.managedFields ?? updateManagedFields(type, undefined, o, this.writer(opts), undefined);
    if (managed) m.managedFields = managed;
    this.quota.admit(type, o);
    if (opts.dryRun) return o;
    m.resourceVersion = String(++this.rv);
    this.bucket(type).set(key(type, m.namespace, m.name!), o);
    if (type.resource === 'customresourcedefinitions') this.types.applyCrd(o);
    this.publish('ADDED', type, o);
    return this.asVersion(type, clone(o));
  }

  update(type: ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const name = String(input.metadata?.name ?? '');
    const ns = type.namespaced ? input.metadata?.namespace : undefined;
    const old = this.bucket(type).get(key(type, ns, name));
    if (!old) throw errors.notFound(type, name);
    const rvIn = input.metadata?.resourceVersion;
    if (rvIn && rvIn !== old.metadata.resourceVersion)
      throw errors.conflict(
        type,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    let o: KubeObject;
    // managedFields a client sent replace the stored ones (kubectl's client-side-apply upgrade does); none or [] keep them
    const sent = input.metadata?.managedFields;
    const base = Array.isArray(sent) && sent.length > 0 ? sent : old.metadata.managedFields;
    if (opts.subresource === 'status') {
      o = clone(old);
      o.status = clone(input.status);
    } else {
      o = clone(input);
      o.apiVersion = apiVersionOf(type);
      o.kind = type.kind;
      toStorage(type, o);
      // identity and bookkeeping belong to the server, whatever the client sent
      o.metadata = {
        ...o.metadata,
        name,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        resourceVersion: old.metadata.resourceVersion,
      };
      if (type.namespaced) o.metadata.namespace = old.metadata.namespace;
      else delete o.metadata.namespace;
      if (old.metadata.deletionTimestamp) o.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      else delete o.metadata.deletionTimestamp;
      if (old.metadata.generation !== undefined) o.metadata.generation = old.metadata.generation;
      else delete o.metadata.generation;
      delete o.metadata.managedFields;
      if (type.subresources.includes('status') || type.resource === 'namespaces') {
        // keep the stored status; an object that never had one must not gain `status: undefined`, which a CRD
        // schema (status: type object) would reject
        if (old.status === undefined) delete o.status;
        else o.status = clone(old.status);
      }
      this.admission.admit(type, o, this.admissionContext(), old);
      validate(type, o, opts.checkImmutable ? old : undefined, this.validationContext());
      if (type.custom) applyCrdSchema(type, o, opts.fieldValidation ?? 'Ignore');
      if (hasGeneration(type) && specChanged(old, o)) o.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (base === undefined) delete o.metadata.managedFields;
    else o.metadata.managedFields = base;
    if (JSON.stringify(o) === JSON.stringify(old)) return this.asVersion(type, clone(old)); // no-op: no new resourceVersion
    const managed = opts.managedFields ?? updateManagedFields(type, old, o, this.writer(opts), base);
    if (managed) o.metadata.managedFields = managed;
    else delete o.metadata.managedFields;
    this.quota.admit(type, o, old);
    if (opts.dryRun) return o;
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(type).set(key(type, ns, name), o);
    if (type.resource === 'customresourcedefinitions') this.types.applyCrd(o);
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) {
      this.remove(type, o);
      return this.asVersion(type, clone(o));
    }
    this.publish('MODIFIED', type, o);
    return this.asVersion(type, clone(o));
  }

  /** Write only .status, as controllers do through the status subresource. */
  updateStatus(type: ResourceType, input: KubeObject): KubeObject {
    return this.update(type, input, {subresource: 'status'});
  }

  /**
   * Delete with the API server's semantics: finalizers and Foreground keep the object (with a deletionTimestamp)
   * until they are cleared; namespaces go Terminating first; dependents are collected through ownerReferences.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const k = key(type, namespace, name);
    const old = this.bucket(type).get(k);
    if (!old) throw errors.notFound(type, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw errors.conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw errors.conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    if (opts.dryRun) return this.asVersion(type, clone(old));
    const o = clone(old);
    if (type.resource === 'namespaces') {
      // the NamespaceLifecycle admission plugin keeps these forever
      if (IMMORTAL_NAMESPACES.has(name)) throw errors.forbidden(type, name, 'this namespace may not be deleted');
      return this.terminateNamespace(type, o);
    }
    if (type.resource === 'pods' && this.gracefulPods) {
      const spec = (o.spec ?? {}) as {nodeName?: string; terminationGracePeriodSeconds?: number};
      const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      // an unscheduled pod has no kubelet to wait for; a scheduled one is marked and left to its kubelet
      if (grace > 0 && spec.nodeName) {
        if (o.metadata.deletionTimestamp) return this.asVersion(type, o);
        o.metadata.deletionTimestamp = timestamp(new Date(this.clock.now().getTime() + grace * 1000));
        o.metadata.deletionGracePeriodSeconds = grace;
        o.metadata.resourceVersion = String(++this.rv);
        this.bucket(type).set(k, o);
        this.publish('MODIFIED', type, o);
        return this.asVersion(type, clone(o));
      }
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const finalizers = [...(o.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes(FOREGROUND) && this.dependentsOf(o).length > 0)
      finalizers.push(FOREGROUND);
    if (policy === 'Orphan') this.orphanDependents(o);
    if (finalizers.length > 0) {
      if (o.metadata.deletionTimestamp && JSON.stringify(finalizers) === JSON.stringify(o.metadata.finalizers))
        return this.asVersion(type, o);
      o.metadata.deletionTimestamp ??= timestamp(this.clock.now());
      o.metadata.deletionGracePeriodSeconds ??= 0;
      o.metadata.finalizers = finalizers;
      o.metadata.resourceVersion = String(++this.rv);
      this.bucket(type).set(k, o);
      this.publish('MODIFIED', type, o);
      if (finalizers.includes(FOREGROUND) && !this.backgroundCollection) this.deleteDependents(o, 'Foreground');
      return this.asVersion(type, clone(this.bucket(type).get(k) ?? o));
    }
    this.remove(type, o);
    return this.asVersion(type, o);
  }

  deleteCollection(type: ResourceType, opts: ListOptions & DeleteOptions): KubeObject[] {
    return this.list(type, opts).items.map((o) => this.delete(type, o.metadata.namespace, o.metadata.name!, opts));
  }

  // ---- watching ----------------------------------------------------------------------------------------

  /**
   * Subscribe to changes (in process: controllers, persistence, HTTP watches). With sinceResourceVersion the
   * changes after it are replayed first; a version older than the kept history throws 410 Gone (client re-lists).
   */
  watch(fn: (e: StoreEvent) => void, opts: WatchOptions = {}): Disposable {
    return this.events.subscribe(fn, this.rv, opts.resource, opts.sinceResourceVersion);
  }

  // ---- persistence -------------------------------------------------------------------------------------

  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [bk, b] of this.buckets) {
      const [group, resource] = splitBucket(bk);
      for (const o of b.values()) objects.push({group, resource, object: o});
    }
    return {resourceVersion: this.rv, objects};
  }

  /** Load a snapshot into an empty store; CRDs first, so their custom resources have a type to live in. */
  restore(s: StoreSnapshot): void {
    this.rv = Math.max(this.rv, s.resourceVersion);
    const crds = s.objects.filter(
      (x) => x.group === 'apiextensions.k8s.io' && x.resource === 'customresourcedefinitions',
    );
    for (const c of crds) this.types.applyCrd(c.object);
    for (const x of s.objects) {
      const t = this.types.anyVersion(x.group, x.resource);
      if (!t) continue; // a custom resource whose CRD is gone: the real GC would have removed it too
      this.bucket(t).set(key(t, x.object.metadata.namespace, String(x.object.metadata.name)), x.object);
    }
    this.quota.reset(this.snapshot().objects);
    this.graph.clear();
    for (const [bk, b] of this.buckets) for (const [k, o] of b) this.graph.observe(`${bk}\u0000${k}`, o, false);
    this.resumeNamespaceFinalization();
  }

  /**
   * A namespace that was Terminating when the sandbox stopped goes on terminating: kube-controller-manager's
   * namespace controller lists every namespace when it starts and syncs each one, and a namespace with a
   * deletionTimestamp gets its content deleted and then is removed (pkg/controller/namespace/namespace_controller.go,
   * deletion/namespaced_resources_deleter.go).
   */
  private resumeNamespaceFinalization(): void {
    const nsType = this.types.lookup('', 'v1', 'namespaces');
    if (!nsType) return;
    for (const ns of this.bucket(nsType).values())
      if (ns.metadata.deletionTimestamp) this.scheduleNamespaceFinalize(nsType, ns.metadata.name!, this.nsDelay);
  }

  dispose(): void {
    for (const t of this.timers) t.dispose();
    this.timers.clear();
    this.events.clear();
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private bucket(type: Pick<ResourceType, 'group' | 'resource'>): Map<string, KubeObject> {
    const bk = `${type.group}/${type.resource}`;
    let b = this.buckets.get(bk);
    if (!b) this.buckets.set(bk, (b = new Map()));
    return b;
  }

  /** custom resources served in several versions are stored once; the reader's version is what it gets back */
  private asVersion(type: ResourceType, o: KubeObject): KubeObject {
    if (type.custom) o.apiVersion = apiVersionOf(type);
    return fromStorage(type, o);
  }

  private publish(type: WatchEventType, resource: ResourceType, object: KubeObject): void {
    this.quota.observe({type, resource, object});
    this.graph.observe(
      `${resource.group}/${resource.resource}\u0000${key(resource, object.metadata.namespace, object.metadata.name!)}`,
      object,
      type === 'DELETED',
    );
    this.events.append({type, resource, object, resourceVersion: this.rv});
  }

  private writer(opts: WriteOptions) {
    return {
      manager: opts.fieldManager ?? IN_PROCESS_MANAGER,
      subresource: opts.subresource,
      time: timestamp(this.clock.now()),
    };
  }

  private validationContext(): ValidationContext {
    return {
      nodePortsInUse: (self) => {
        const svc = this.types.lookup('', 'v1', 'services')!;
        const held = new Set<string>();
        for (const s of this.bucket(svc).values()) {
          if (s.metadata.namespace === self.metadata.namespace && s.metadata.name === self.metadata.name) continue;
          for (const p of (s.spec as {ports?: {nodePort?: number; protocol?: string}[]} | undefined)?.ports ?? [])
            if (p.nodePort) held.add(`${p.protocol ?? 'TCP'}/${p.nodePort}`);
        }
        return held;
      },
    };
  }

  private admissionContext() {
    return {
      allocateClusterIP: () => this.allocateClusterIP(),
      defaultStorageClass: () => this.defaultStorageClass(),
      allocateNodePort: (protocol: string) => {
        const held = this.validationContext().nodePortsInUse!({apiVersion: 'v1', kind: 'Service', metadata: {}});
        for (let i = 0; i < 1000; i++) {
          const port = 30000 + Math.floor(Math.random() * 2768);
          if (!held.has(`${protocol}/${port}`)) return port;
        }
        throw errors.internal('failed to allocate a nodePort: range is full');
      },
    };
  }

  /** util.GetDefaultClass: of the classes marked default, the newest (then by name) */
  private defaultStorageClass(): string | undefined {
    const t = this.types.lookup('storage.k8s.io', 'v1', 'storageclasses');
    if (!t) return undefined;
    const marked = [...this.bucket(t).values()].filter((c) =>
      ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some(
        (a) => c.metadata.annotations?.[a] === 'true',
      ),
    );
    marked.sort(
      (a, b) =>
        String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')) ||
        String(a.metadata.name).localeCompare(String(b.metadata.name)),
    );
    return marked[0]?.metadata.name;
  }

  /** k3s's default service CIDR is 10.43.0.0/16; .1 is the kubernetes service and .10 kube-dns */
  private allocateClusterIP(): string {
    const svc = this.types.lookup('', 'v1', 'services')!;
    const used = new Set(
      [...this.bucket(svc).values()].map((s) => (s.spec as {clusterIP?: string} | undefined)?.clusterIP),
    );
    for (let i = 0; i < 1000; i++) {
      const ip = `10.43.${Math.floor(Math.random() * 255)}.${1 + Math.floor(Math.random() * 254)}`;
      if (!used.has(ip) && ip !== '10.43.0.1' && ip !== '10.43.0.10') return ip;
    }
    throw errors.internal('failed to allocate a serviceIP: range is full');
  }

  private checkNamespaceOpen(type: ResourceType, namespace: string, name: string): void {
    const nsType = this.types.lookup('', 'v1', 'namespaces')!;
    const ns = this.bucket(nsType).get(key(nsType, undefined, namespace));
    if (!ns) throw errors.notFound(nsType, namespace);
    if (ns.metadata.deletionTimestamp)
      throw errors.forbidden(
        type,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  /** really remove: publish DELETED, then let the garbage collector and waiting owners react */
  private remove(type: ResourceType, o: KubeObject): void {
    this.bucket(type).delete(key(type, o.metadata.namespace, o.metadata.name!));
    o.metadata.resourceVersion = String(++this.rv);
    this.publish('DELETED', type, o);
    if (type.resource === 'customresourcedefinitions') this.removeCrdContent(o);
    if (!this.backgroundCollection) this.deleteDependents(o, 'Background');
    this.releaseForegroundOwners(o);
  }

  // ---- the garbage collector's side (cluster/controllers/garbage-collector.ts) ----------------------------

  /**
   * Owners whose dependents wait to be collected: uids that dependents name but no stored object has (the owner is
   * gone: also after a restart, when nothing remembers the delete), and owners being deleted in the foreground.
   */
  ownersToCollect(): string[] {
    const owners = this.graph.absentOwners();
    for (const [, o] of this.allObjects())
      if (o.metadata.uid && (o.metadata.finalizers ?? []).includes(FOREGROUND)) owners.push(o.metadata.uid);
    return owners;
  }

  /** whether a change makes work for the collector: an owner with dependents removed, or deleted in the foreground */
  collectionWanted(e: StoreEvent): boolean {
    const uid = e.object.metadata.uid;
    if (!uid || this.graph.dependentsOf(uid).length === 0) return false;
    return e.type === 'DELETED' || (e.object.metadata.finalizers ?? []).includes(FOREGROUND);
  }

  /** whether the collector still has work for this owner: it is gone or going in the foreground, and a dependent is not yet being deleted */
  dependentsWaiting(ownerUid: string): boolean {
    const ownerId = this.graph.idOf(ownerUid);
    const owner = ownerId ? this.byId(ownerId)?.[1] : undefined;
    if (owner && !(owner.metadata.finalizers ?? []).includes(FOREGROUND)) return false;
    return this.graph.dependentsOf(ownerUid).some((id) => {
      const d = this.byId(id)?.[1];
      return d !== undefined && !d.metadata.deletionTimestamp;
    });
  }

  /** ids of the dependents naming this owner (a snapshot: the collector walks it in batches) */
  dependentIds(ownerUid: string): string[] {
    return this.graph.dependentsOf(ownerUid);
  }

  /**
   * The collector's work for one dependent of an owner that is gone or being deleted in the foreground: delete it
   * (in the foreground when the owner goes that way) or, when another owner of its own still exists, drop the
   * reference to this one (the collector's attemptToDeleteItem). False when there was nothing to do: the owner
   * exists and keeps it, it is gone, or it is already being deleted.
   */
  collectDependent(ownerUid: string, id: string): boolean {
    const ownerId = this.graph.idOf(ownerUid);
    const owner = ownerId ? this.byId(ownerId)?.[1] : undefined;
    const foreground = Boolean(owner && (owner.metadata.finalizers ?? []).includes(FOREGROUND));
    if (owner && !foreground) return false;
    const found = this.byId(id);
    if (!found) return false;
    const [t, d] = found;
    if (d.metadata.deletionTimestamp) return false;
    if (!(d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid)) return false;
    try {
      const others = (d.metadata.ownerReferences ?? []).some(
        (r) => r.uid !== ownerUid && this.graph.idOf(r.uid) !== undefined,
      );
      if (others && !foreground) {
        const copy = clone(d);
        copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
        this.update(t, copy);
      } else {
        this.delete(t, d.metadata.namespace, d.metadata.name!, {
          propagationPolicy: foreground ? 'Foreground' : 'Background',
        });
      }
      return true;
    } catch {
      // a quota, a finalizer's own rules: the collector retries the owner later
      return false;
    }
  }

  private removeCrdContent(crd: KubeObject): void {
    for (const t of this.types.removeCrd(String(crd.metadata.name))) {
      const b = this.bucket(t);
      for (const o of [...b.values()]) {
        b.delete(key(t, o.metadata.namespace, o.metadata.name!));
        o.metadata.resourceVersion = String(++this.rv);
        this.publish('DELETED', t, o);
      }
    }
  }

  private *allObjects(): Generator<[ResourceType, KubeObject]> {
    for (const [bk, b] of this.buckets) {
      const [group, resource] = splitBucket(bk);
      const t = this.types.anyVersion(group, resource);
      if (!t) continue;
      for (const o of b.values()) yield [t, o];
    }
  }

  /** the stored object under a graph id */
  private byId(id: string): [ResourceType, KubeObject] | undefined {
    const i = id.indexOf('\u0000');
    const bk = id.slice(0, i);
    const o = this.buckets.get(bk)?.get(id.slice(i + 1));
    const [group, resource] = splitBucket(bk);
    const t = o && this.types.anyVersion(group, resource);
    return t ? [t, o] : undefined;
  }

  private dependentsOf(owner: KubeObject): [ResourceType, KubeObject][] {
    return this.graph
      .dependentsOf(owner.metadata.uid)
      .map((id) => this.byId(id))
      .filter((x): x is [ResourceType, KubeObject] => !!x);
  }

  private deleteDependents(owner: KubeObject, policy: PropagationPolicy): void {
    for (const [t, d] of this.dependentsOf(owner)) {
      if (d.metadata.deletionTimestamp && policy !== 'Foreground') continue;
      try {
        this.delete(t, d.metadata.namespace, d.metadata.name!, {propagationPolicy: policy});
      } catch {
        // already gone through another owner: nothing to collect
      }
    }
  }

  private orphanDependents(owner: KubeObject): void {
    for (const [t, d] of this.dependentsOf(owner)) {
      const copy = clone(d);
      copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
      if (copy.metadata.ownerReferences.length === 0) delete copy.metadata.ownerReferences;
      copy.metadata.resourceVersion = String(++this.rv);
      this.bucket(t).set(key(t, copy.metadata.namespace, copy.metadata.name!), copy);
      this.publish('MODIFIED', t, copy);
    }
  }

  /** an owner deleted in the foreground goes once its last dependent is gone */
  private releaseForegroundOwners(removed: KubeObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const found = this.byId(this.graph.idOf(ref.uid) ?? '');
      if (found) {
        const [t, owner] = found;
        if (!(owner.metadata.finalizers ?? []).includes(FOREGROUND)) continue;
        if (this.dependentsOf(owner).length > 0) continue;
        const copy = clone(owner);
        copy.metadata.finalizers = (copy.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
        if (copy.metadata.finalizers.length === 0) delete copy.metadata.finalizers;
        this.update(t, copy);
      }
    }
  }

  private terminateNamespace(type: ResourceType, o: KubeObject): KubeObject {
    if (!o.metadata.deletionTimestamp) {
      o.metadata.deletionTimestamp = timestamp(this.clock.now());
      o.metadata.deletionGracePeriodSeconds = 0;
      o.status = {...(o.status as object), phase: 'Terminating'};
      o.metadata.resourceVersion = String(++this.rv);
      this.bucket(type).set(key(type, undefined, o.metadata.name!), o);
      this.publish('MODIFIED', type, o);
      this.scheduleNamespaceFinalize(type, o.metadata.name!, this.nsDelay);
    }
    return clone(o);
  }

  private writeNamespaceConditions(type: ResourceType, name: string, left: [ResourceType, KubeObject][]): void {
    const k = key(type, undefined, name);
    const ns = this.bucket(type).get(k);
    if (!ns) return;
    const status = (ns.status ?? {}) as {conditions?: {type?: string; status?: string; lastTransitionTime?: string}[]};
    const conditions = namespaceConditions(left, status.conditions ?? [], timestamp(this.clock.now()));
    if (JSON.stringify(conditions) === JSON.stringify(status.conditions)) return;
    const o = clone(ns);
    o.status = {...status, conditions};
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(type).set(k, o);
    this.publish('MODIFIED', type, o);
  }

  /** the namespace controller: empty the namespace, then drop it; content held by finalizers makes it wait */
  private scheduleNamespaceFinalize(type: ResourceType, name: string, ms: number): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      const ns = this.bucket(type).get(key(type, undefined, name));
      if (!ns?.metadata.deletionTimestamp) return;
      for (const [t, o] of [...this.allObjects()]) {
        if (!t.namespaced || o.metadata.namespace !== name) continue;
        // re-read: deleting an owner earlier in this pass may already have collected this object
        const cur = this.bucket(t).get(key(t, name, o.metadata.name!));
        if (cur && !cur.metadata.deletionTimestamp)
          this.delete(t, name, o.metadata.name!, {propagationPolicy: 'Background'});
      }
      const left = [...this.allObjects()].filter(([t, o]) => t.namespaced && o.metadata.namespace === name);
      this.writeNamespaceConditions(type, name, left);
      if (left.length > 0) this.scheduleNamespaceFinalize(type, name, Math.max(ms, 1000));
      else this.remove(type, clone(this.bucket(type).get(key(type, undefined, name)) ?? ns));
    }, ms);
    this.timers.add(timer);
  }
}

/**
 * The conditions the namespace controller writes on a Terminating namespace after each pass
 * (pkg/controller/namespace/deletion/status_condition_utils.go): all five types, in this order, False with their
 * "all is well" reasons unless content or finalizers remain. Resources are named `<resource>.<group>` with the
 * core group empty ("pods. has 2 resource instances"), as its Sprintf("%s.%s …") writes them.
 */
const NAMESPACE_CONDITIONS: [string, string, string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  [
    'NamespaceDeletionContentFailure',
    'ContentDeleted',
    'All content successfully deleted, may be waiting on finalization',
  ],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

export function namespaceConditions(
  left: [Pick<ResourceType, 'group' | 'resource'>, KubeObject][],
  previous: {type?: string; status?: string; lastTransitionTime?: string}[],
  now: string,
): {type: string; status: string; lastTransitionTime: string; reason: string; message: string}[] {
  const byResource = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  for (const [t, o] of left) {
    const r = `${t.resource}.${t.group}`;
    byResource.set(r, (byResource.get(r) ?? 0) + 1);
    for (const f of o.metadata.finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  }
  const list = (m: Map<string, number>, word: string) =>
    [...m]
      .map(([k, n]) => `${k} ${word} ${n} resource instances`)
      .sort()
      .join(', ');
  return NAMESPACE_CONDITIONS.map(([type, reason, message]) => {
    let c = {status: 'False', reason, message};
    if (type === 'NamespaceContentRemaining' && byResource.size > 0)
      c = {
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${list(byResource, 'has')}`,
      };
    if (type === 'NamespaceFinalizersRemaining' && byFinalizer.size > 0)
      c = {
        status: 'True',
        reason: 'SomeFinalizersRemain',
        message: `Some content in the namespace has finalizers remaining: ${list(byFinalizer, 'in')}`,
      };
    const before = previous.find((p) => p.type === type);
    const lastTransitionTime =
      before?.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return {type, status: c.status, lastTransitionTime, reason: c.reason, message: c.message};
  });
}

function key(type: Pick<ResourceType, 'namespaced'>, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${namespace ?? ''}/${name}` : name;
}

function splitBucket(bk: string): [string, string] {
  const i = bk.lastIndexOf('/');
  return [bk.slice(0, i), bk.slice(i + 1)];
}

/** Kinds whose registry strategy keeps metadata.generation (objects a controller observes); every custom resource does. */
const WITH_GENERATION = new Set([
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'replicationcontrollers',
  'jobs',
  'cronjobs',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'ingresses',
  'networkpolicies',
  'customresourcedefinitions',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'flowschemas',
  'prioritylevelconfigurations',
]);

function hasGeneration(type: ResourceType): boolean {
  return type.custom === true || WITH_GENERATION.has(type.resource);
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const {metadata: _m, status: _s, ...rest} = o;
    return JSON.stringify(rest);
  };
  return strip(a) !== strip(b);
}
