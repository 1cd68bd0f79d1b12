import type {IncomingMessage, ServerResponse} from 'node:http';
import {decodeApplyConfiguration, decodeObjectBody} from './body';
import {withEphemeralContainers} from './ephemeral-containers';
import {mediaType, readBody, rendering, sendJson} from './http-io';
import {checkKnownFields} from './known-fields';
import {applyPatch, checkPatchedShape, parsePatchBody, patchTypeOf} from './patch';
import {managerOf, serverSideApply} from './field-manager';
import {timestamp} from './names';
import {chunkRequest} from './list-chunks';
import {isPlainObject} from './patch-merge';
import type {RequestTarget} from './request-info';
import type {UserInfo} from './rbac';
import {answerReview, tokenRequest} from './reviews';
import {errors} from './status';
import type {DeleteOptions, ObjectStore, PropagationPolicy} from './store';
import {toTable, type IncludeObject} from './table';
import {apiVersionOf, type KubeObject, type ResourceType} from './types';
import {serveWatch} from './watch-stream';
import type {Disposable} from '../kit/disposable';

export type ResourceTarget = Extract<RequestTarget, {kind: 'resource'}>;

export interface ResourceContext {
  store: ObjectStore;
  req: IncomingMessage;
  res: ServerResponse;
  target: ResourceTarget;
  type: ResourceType;
  query: URLSearchParams;
  maxBodyBytes: number;
  maxWatchSeconds: number;
  /**
   * Resolves once every change the sandbox made so far is on disk. A write is answered only then, as the
   * apiserver answers after etcd commits: what kubectl was told exists survives a crash.
   */
  committed(): Promise<void>;
  /** open watches, so closing the server ends them */
  track(d: Disposable): void;
  /** who the request acts as (the admin, or whom it impersonates) */
  user: UserInfo;
}

/** A handler for a subresource served outside the generic store (pods/log, pods/exec, …), added by later layers. */
export type SubresourceHandler = (ctx: ResourceContext) => Promise<void> | void;

/** The generic REST verbs on any stored resource: the registry's get/list/watch/create/update/patch/delete. */
export async function handleResource(
  ctx: ResourceContext,
  subresources: Map<string, SubresourceHandler>,
): Promise<void> {
  const {req, target, type} = ctx;
  const method = req.method ?? 'GET';
  if (target.subresource) {
    const custom = subresources.get(`${type.group}/${type.resource}/${target.subresource}`);
    if (custom) return custom(ctx);
    if (target.subresource === 'status') return statusSubresource(ctx);
    if (target.subresource === 'scale' && type.subresources.includes('scale')) return scaleSubresource(ctx);
    if (target.subresource === 'ephemeralcontainers' && type.subresources.includes('ephemeralcontainers'))
      return ephemeralContainersSubresource(ctx);
    if (target.subresource === 'token' && type.resource === 'serviceaccounts' && method === 'POST') {
      const sa = ctx.store.mustGet(type, target.namespace, target.name!);
      return sendJson(ctx.res, 201, tokenRequest(await bodyObject(ctx), sa, ctx.store.clock.now()));
    }
    throw errors.pathNotFound();
  }
  if (target.name) {
    if (method === 'GET') return sendObject(ctx, 200, ctx.store.mustGet(type, target.namespace, target.name));
    if (method === 'PUT') return update(ctx);
    if (method === 'PATCH') return patch(ctx);
    if (method === 'DELETE') return del(ctx);
    throw errors.methodNotAllowed(method, type.kind);
  }
  if (method === 'GET') return ['true', '1'].includes(ctx.query.get('watch') ?? '') ? watch(ctx) : list(ctx);
  if (method === 'POST') return create(ctx);
  if (method === 'DELETE') return deleteCollection(ctx);
  throw errors.methodNotAllowed(method, type.kind);
}

function requireVerb(ctx: ResourceContext, verb: ResourceType['verbs'][number]): void {
  if (!ctx.type.verbs.includes(verb)) throw errors.methodNotAllowed(verb, ctx.type.kind);
}

function listOptions(ctx: ResourceContext) {
  return {
    namespace: ctx.target.namespace,
    labelSelector: ctx.query.get('labelSelector') ?? undefined,
    fieldSelector: ctx.query.get('fieldSelector') ?? undefined,
  };
}

function includeObject(ctx: ResourceContext): IncludeObject {
  const v = ctx.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** a write's result, once it is durable */
async function durable<T>(ctx: ResourceContext, result: T): Promise<T> {
  try {
    await ctx.committed();
  } catch (e) {
    throw errors.internal(`the change could not be saved: ${(e as Error).message}`);
  }
  return result;
}

function sendObject(ctx: ResourceContext, code: number, o: KubeObject): void {
  const r = rendering(ctx.req.headers.accept);
  if (r === 'table') {
    const t = toTable(ctx.type, [o], {
      now: ctx.store.clock.now(),
      resourceVersion: o.metadata.resourceVersion,
      include: includeObject(ctx),
    });
    return sendJson(ctx.res, code, t, 'application/json;as=Table;v=v1;g=meta.k8s.io');
  }
  if (r === 'partial')
    return sendJson(ctx.res, code, {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata});
  sendJson(ctx.res, code, o);
}

const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

function list(ctx: ResourceContext): void {
  requireVerb(ctx, 'list');
  const page = ctx.store.list(ctx.type, listOptions(ctx), chunkRequest(ctx.query));
  const {items, resourceVersion} = page;
  // ListMeta: continue and remainingItemCount only when there is more (omitempty)
  const listMeta = {
    resourceVersion,
    ...(page.continue ? {continue: page.continue} : {}),
    ...(page.remainingItemCount !== undefined ? {remainingItemCount: page.remainingItemCount} : {}),
  };
  const r = rendering(ctx.req.headers.accept);
  if (r === 'table') {
    const t = toTable(ctx.type, items, {now: ctx.store.clock.now(), resourceVersion, include: includeObject(ctx)});
    return sendJson(ctx.res, 200, {...t, metadata: {...t.metadata, ...listMeta}}, TABLE_CONTENT_TYPE);
  }
  if (r === 'partial')
    return sendJson(ctx.res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta,
      items: items.map((o) => ({kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata})),
    });
  sendJson(ctx.res, 200, {
    kind: ctx.type.listKind,
    apiVersion: apiVersionOf(ctx.type),
    metadata: listMeta,
    items,
  });
}

function watch(ctx: ResourceContext): void {
  requireVerb(ctx, 'watch');
  const timeout = Number(ctx.query.get('timeoutSeconds') ?? '0');
  ctx.track(
    serveWatch(ctx.res, {
      store: ctx.store,
      type: ctx.type,
      list: listOptions(ctx),
      resourceVersion: ctx.query.get('resourceVersion') ?? undefined,
      timeoutSeconds: Number.isFinite(timeout) ? timeout : 0,
      asTable: rendering(ctx.req.headers.accept) === 'table',
      maxSeconds: ctx.maxWatchSeconds,
    }),
  );
}

async function bodyObject(ctx: ResourceContext): Promise<KubeObject> {
  const body = await readBody(ctx.req, ctx.maxBodyBytes);
  return decodeObjectBody(mediaType(ctx.req.headers['content-type']), body, ctx.type);
}

const isDryRun = (ctx: ResourceContext) => ctx.query.getAll('dryRun').includes('All');
const fieldManager = (ctx: ResourceContext) => managerOf(ctx.query, ctx.req.headers['user-agent']);
const fieldValidation = (ctx: ResourceContext) => {
  const v = ctx.query.get('fieldValidation');
  return v === 'Ignore' || v === 'Warn' ? v : 'Strict';
};

/** kubectl asks for Strict by default; Ignore (--validate=false) and Warn skip the check */
function strictFields(ctx: ResourceContext, o: KubeObject, before?: KubeObject): void {
  if ((ctx.query.get('fieldValidation') ?? 'Strict') === 'Strict') checkKnownFields(ctx.type, o, before);
}

/** the body's kind must be the resource's kind, as the decoder of the real server insists */
function checkKind(ctx: ResourceContext, o: KubeObject): void {
  if (o.kind && o.kind !== ctx.type.kind)
    throw errors.badRequest(
      `${o.kind} in version "${ctx.type.version}" cannot be handled as a ${ctx.type.kind}: the kind of the object does not match the resource ${ctx.type.resource}`,
    );
}

async function create(ctx: ResourceContext): Promise<void> {
  requireVerb(ctx, 'create');
  const o = await bodyObject(ctx);
  checkKind(ctx, o);
  strictFields(ctx, o);
  const review = answerReview(`${ctx.type.group}/${ctx.type.resource}`, o, ctx.store.clock.now(), {
    store: ctx.store,
    user: ctx.user,
    namespace: ctx.target.namespace,
  });
  if (review) return sendJson(ctx.res, 201, review);
  if (ctx.type.namespaced) {
    if (!ctx.target.namespace) throw errors.pathNotFound();
    if (o.metadata.namespace && o.metadata.namespace !== ctx.target.namespace)
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    o.metadata.namespace = ctx.target.namespace;
  }
  const created = ctx.store.create(ctx.type, o, {
    dryRun: isDryRun(ctx),
    fieldValidation: fieldValidation(ctx),
    fieldManager: fieldManager(ctx),
  });
  sendObject(ctx, 201, await durable(ctx, created));
}

async function update(ctx: ResourceContext, subresource?: string): Promise<void> {
  requireVerb(ctx, 'update');
  const o = await bodyObject(ctx);
  checkKind(ctx, o);
  strictFields(ctx, o);
  const name = ctx.target.name!;
  if (o.metadata.name && o.metadata.name !== name)
    throw errors.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`);
  o.metadata.name = name;
  if (ctx.type.namespaced) o.metadata.namespace = ctx.target.namespace;
  const updated = ctx.store.update(ctx.type, o, {
    dryRun: isDryRun(ctx),
    subresource,
    fieldValidation: fieldValidation(ctx),
    checkImmutable: true,
    fieldManager: fieldManager(ctx),
  });
  sendObject(ctx, 200, await durable(ctx, updated));
}

async function patch(ctx: ResourceContext, subresource?: string): Promise<void> {
  requireVerb(ctx, 'patch');
  const kind = patchTypeOf(mediaType(ctx.req.headers['content-type']), ctx.type);
  const raw = await readBody(ctx.req, ctx.maxBodyBytes);
  const {type, target} = ctx;
  const current = ctx.store.get(type, target.namespace, target.name!);
  // the object is fetched before the patch is decoded: a missing one is a 404 whatever the body holds
  if (!current && (kind !== 'apply' || subresource)) throw errors.notFound(type, target.name!);
  const body = parsePatchBody(raw, kind);
  const writer = {manager: fieldManager(ctx), subresource, time: timestamp(ctx.store.clock.now())};
  const force = ctx.query.get('force') === 'true';
  if (!current) {
    // server-side apply creates what does not exist yet
    const o = decodeApplyConfiguration(body, type);
    o.metadata = {
      ...o.metadata,
      name: target.name,
      ...(type.namespaced ? {namespace: target.namespace} : {}),
    };
    const created = ctx.store.create(type, o, {
      dryRun: isDryRun(ctx),
      fieldValidation: fieldValidation(ctx),
      managedFields: serverSideApply(type, undefined, o, writer, force).managedFields,
    });
    return sendObject(ctx, 201, await durable(ctx, created));
  }
  let managedFields;
  let patched: KubeObject;
  if (kind === 'apply') {
    // field ownership: conflicts (409 unless ?force=true) and the pruning of fields this manager stopped applying
    const config = decodeApplyConfiguration(body, type);
    const applied = serverSideApply(type, current, config, writer, force);
    patched = checkPatchedShape(type, applied.object);
    managedFields = applied.managedFields;
  } else patched = applyPatch(type, current, kind, body);
  if (!subresource) strictFields(ctx, patched, current);
  // a patch is applied to the version it was computed on; only an explicit resourceVersion in it may conflict
  const explicitRv =
    isPlainObject(body) && isPlainObject(body.metadata) && typeof body.metadata.resourceVersion === 'string';
  if (!explicitRv) patched.metadata.resourceVersion = current.metadata.resourceVersion;
  patched.metadata.name = current.metadata.name;
  if (type.namespaced) patched.metadata.namespace = current.metadata.namespace;
  const updated = ctx.store.update(type, patched, {
    dryRun: isDryRun(ctx),
    subresource,
    fieldValidation: fieldValidation(ctx),
    checkImmutable: true,
    fieldManager: writer.manager,
    managedFields,
  });
  sendObject(ctx, 200, await durable(ctx, updated));
}

async function deleteOptions(ctx: ResourceContext): Promise<DeleteOptions> {
  const body = await readBody(ctx.req, ctx.maxBodyBytes);
  let opts: Record<string, unknown> = {};
  if (body.length > 0) {
    try {
      const v = JSON.parse(body.toString('utf8'));
      if (isPlainObject(v)) opts = v;
    } catch {
      throw errors.badRequest('the body of the request was in an unknown format: DeleteOptions must be JSON');
    }
  }
  const policy = (ctx.query.get('propagationPolicy') ?? opts.propagationPolicy) as string | undefined;
  if (policy && !['Foreground', 'Background', 'Orphan'].includes(policy))
    throw errors.badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  const orphan = opts.orphanDependents === true || ctx.query.get('orphanDependents') === 'true';
  const graceRaw = ctx.query.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
  const grace = graceRaw === undefined || graceRaw === null ? undefined : Number(graceRaw);
  return {
    gracePeriodSeconds: grace !== undefined && Number.isFinite(grace) ? grace : undefined,
    propagationPolicy: (policy as PropagationPolicy | undefined) ?? (orphan ? 'Orphan' : undefined),
    preconditions: isPlainObject(opts.preconditions)
      ? (opts.preconditions as DeleteOptions['preconditions'])
      : undefined,
    dryRun: isDryRun(ctx) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All')),
  };
}

async function del(ctx: ResourceContext): Promise<void> {
  requireVerb(ctx, 'delete');
  const opts = await deleteOptions(ctx);
  const {type, target} = ctx;
  const o = await durable(ctx, ctx.store.delete(type, target.namespace, target.name!, opts));
  if (ctx.store.get(type, target.namespace, target.name!) && !opts.dryRun) return sendObject(ctx, 200, o);
  sendJson(ctx.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {name: target.name, group: type.group || undefined, kind: type.resource, uid: o.metadata.uid},
  });
}

async function deleteCollection(ctx: ResourceContext): Promise<void> {
  requireVerb(ctx, 'deletecollection');
  const opts = await deleteOptions(ctx);
  const items = await durable(ctx, ctx.store.deleteCollection(ctx.type, {...listOptions(ctx), ...opts}));
  sendJson(ctx.res, 200, {
    kind: ctx.type.listKind,
    apiVersion: apiVersionOf(ctx.type),
    metadata: {resourceVersion: String(ctx.store.resourceVersion)},
    items,
  });
}

async function statusSubresource(ctx: ResourceContext): Promise<void> {
  const {type, target} = ctx;
  if (!type.subresources.includes('status') || !target.name) throw errors.pathNotFound();
  const method = ctx.req.method;
  if (method === 'GET') return sendObject(ctx, 200, ctx.store.mustGet(type, target.namespace, target.name));
  if (method === 'PUT') return update(ctx, 'status');
  if (method === 'PATCH') return patch(ctx, 'status');
  throw errors.methodNotAllowed(method ?? '', type.kind);
}

/**
 * pods/ephemeralcontainers (what `kubectl debug` patches): GET is the pod; PUT and PATCH (strategic, merge, JSON)
 * are computed on the whole pod, but only spec.ephemeralContainers may change (ephemeral-containers.ts).
 */
async function ephemeralContainersSubresource(ctx: ResourceContext): Promise<void> {
  const {type, target, store} = ctx;
  if (!target.name) throw errors.pathNotFound();
  const method = ctx.req.method ?? 'GET';
  if (method === 'GET') return sendObject(ctx, 200, store.mustGet(type, target.namespace, target.name));
  let proposed: KubeObject;
  if (method === 'PUT') {
    requireVerb(ctx, 'update');
    proposed = await bodyObject(ctx);
    checkKind(ctx, proposed);
    if (proposed.metadata.name && proposed.metadata.name !== target.name)
      throw errors.badRequest(
        `the name of the object (${proposed.metadata.name}) does not match the name on the URL (${target.name})`,
      );
  } else if (method === 'PATCH') {
    requireVerb(ctx, 'patch');
    const kind = patchTypeOf(mediaType(ctx.req.headers['content-type']), type);
    const raw = await readBody(ctx.req, ctx.maxBodyBytes);
    const current = store.mustGet(type, target.namespace, target.name);
    proposed = applyPatch(type, current, kind, parsePatchBody(raw, kind));
    // a patch applies to the version it was computed on
    proposed.metadata.resourceVersion = current.metadata.resourceVersion;
  } else throw errors.methodNotAllowed(method, type.kind);
  const current = store.mustGet(type, target.namespace, target.name);
  const updated = store.update(type, withEphemeralContainers(current, proposed), {
    dryRun: isDryRun(ctx),
    subresource: 'ephemeralcontainers',
    fieldManager: fieldManager(ctx),
  });
  sendObject(ctx, 200, await durable(ctx, updated));
}

/** autoscaling/v1 Scale view of spec.replicas: what `kubectl scale` reads and patches */
function toScale(o: KubeObject) {
  const spec = (o.spec ?? {}) as {replicas?: number; selector?: {matchLabels?: Record<string, string>}};
  const status = (o.status ?? {}) as {replicas?: number};
  const sel = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const {name, namespace, uid, resourceVersion, creationTimestamp} = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {name, namespace, uid, resourceVersion, creationTimestamp},
    spec: {replicas: spec.replicas ?? 0},
    status: {replicas: status.replicas ?? 0, ...(sel ? {selector: sel} : {})},
  };
}

async function scaleSubresource(ctx: ResourceContext): Promise<void> {
  const {type, target, store} = ctx;
  if (!target.name) throw errors.pathNotFound();
  const current = store.mustGet(type, target.namespace, target.name);
  const method = ctx.req.method;
  if (method === 'GET') return sendJson(ctx.res, 200, toScale(current));
  let scale: {spec?: {replicas?: number}; metadata?: {resourceVersion?: string}};
  if (method === 'PUT') scale = await bodyObject(ctx);
  else if (method === 'PATCH') {
    const kind = patchTypeOf(mediaType(ctx.req.headers['content-type']), {...type, custom: false});
    const body = parsePatchBody(await readBody(ctx.req, ctx.maxBodyBytes), kind);
    scale = applyPatch({...type, custom: kind !== 'strategic'}, toScale(current) as unknown as KubeObject, kind, body);
  } else throw errors.methodNotAllowed(method ?? '', 'Scale');
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0)
    throw errors.invalid('Scale', 'autoscaling', target.name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
      },
    ]);
  const next = {...current, spec: {...(current.spec as object), replicas}};
  if (method === 'PUT' && scale.metadata?.resourceVersion)
    next.metadata = {...next.metadata, resourceVersion: scale.metadata.resourceVersion};
  const updated = store.update(type, next, {
    subresource: 'scale',
    fieldManager: fieldManager(ctx),
    checkImmutable: true,
  });
  sendJson(ctx.res, 200, toScale(await durable(ctx, updated)));
}
