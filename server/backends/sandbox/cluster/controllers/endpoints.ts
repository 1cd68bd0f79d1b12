import type {EndpointAddress, EndpointSubset, Endpoints, Pod, Service, ServicePort} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import {selectorObjectMatcher} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {stableJson} from '../json';
import {controllerRef} from '../owners';
import {isReady, isTerminating, nodeNameOf} from '../pod-state';
import {keyOf, splitKey} from '../../kit/keys';

const MANAGED_BY = 'endpointslice-controller.k8s.io';
const SERVICE_NAME = 'kubernetes.io/service-name';

const podOf = (p: KubeObject) => p as Typed<Pod>;
const serviceOf = (s: KubeObject) => s as Typed<Service>;

/** a service port's target on one pod: a number, or a named container port looked up in the pod */
function targetPortOn(pod: Typed<Pod>, port: ServicePort): number | undefined {
  const t = port.targetPort ?? port.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(String(t))) return Number(t);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === t) return p.containerPort;
  return undefined;
}

/**
 * Service → Endpoints and EndpointSlice (the endpoints and endpointslice controllers in one): the addresses of the
 * pods the selector matches, ready ones in `addresses`, the rest in `notReadyAddresses`, each with its targetRef,
 * and the service's ports resolved per pod. Services without a selector are left alone (someone else manages them).
 */
export function endpointsController(ctx: ControllerContext): ControllerDef {
  const {store, kinds} = ctx;
  return {
    name: 'endpoint-controller',
    primary: kinds.services,
    secondary: [
      {
        type: kinds.pods,
        keys: (p) => {
          const labels = p.metadata.labels ?? {};
          return store
            .list(kinds.services, {namespace: p.metadata.namespace})
            .items.filter((s) => {
              const sel = serviceOf(s).spec?.selector;
              return sel && Object.keys(sel).length && Object.entries(sel).every(([k, v]) => labels[k] === v);
            })
            .map(keyOf);
        },
      },
    ],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const svc = store.get(kinds.services, namespace, name);
      if (!svc) {
        // the Service is gone: its Endpoints go with it (the slices are owned and collected by the GC)
        const ep = store.get(kinds.endpoints, namespace, name);
        if (ep && !ep.metadata.annotations?.['sandbox.lab/managed-by-apiserver'])
          store.delete(kinds.endpoints, namespace, name);
        return;
      }
      const s = serviceOf(svc);
      const selector = s.spec?.selector;
      if (
        !selector ||
        !Object.keys(selector).length ||
        s.spec?.type === 'ExternalName' ||
        svc.metadata.deletionTimestamp
      )
        return;
      const match = selectorObjectMatcher({matchLabels: selector});
      const pods = store
        .list(kinds.pods, {namespace})
        .items.filter(
          (p) =>
            match(p.metadata.labels) &&
            podOf(p).status?.podIP &&
            !['Succeeded', 'Failed'].includes(podOf(p).status?.phase ?? ''),
        )
        .sort((a, b) =>
          String(podOf(a).status?.podIP).localeCompare(String(podOf(b).status?.podIP), 'en', {numeric: true}),
        );
      const svcPorts = s.spec?.ports ?? [];
      const address = (p: KubeObject): EndpointAddress => ({
        ip: podOf(p).status?.podIP ?? '',
        nodeName: nodeNameOf(p),
        targetRef: {kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid},
      });
      const ports = (p: KubeObject) =>
        svcPorts
          .map((sp) => ({
            ...(sp.name ? {name: sp.name} : {}),
            port: targetPortOn(podOf(p), sp),
            protocol: sp.protocol ?? 'TCP',
            ...(sp.appProtocol ? {appProtocol: sp.appProtocol} : {}),
          }))
          .filter((x): x is typeof x & {port: number} => x.port !== undefined);
      // pods with the same resolved ports share a subset, as the endpoints controller packs them
      const subsets = new Map<string, EndpointSubset>();
      for (const p of pods) {
        if (isTerminating(p) && !s.spec?.publishNotReadyAddresses) continue;
        const pp = ports(p);
        const k = stableJson(pp);
        const sub: EndpointSubset = subsets.get(k) ?? {ports: pp};
        const ready = isReady(p) || s.spec?.publishNotReadyAddresses;
        (sub[ready ? 'addresses' : 'notReadyAddresses'] ??= []).push(address(p));
        subsets.set(k, sub);
      }
      const labels = {
        ...(svc.metadata.labels ?? {}),
        ...(s.spec?.clusterIP === 'None' ? {'service.kubernetes.io/headless': ''} : {}),
      };
      const endpoints: Typed<Endpoints> = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: {name, namespace, labels},
        ...(subsets.size ? {subsets: [...subsets.values()]} : {}),
      };
      const existing = store.get(kinds.endpoints, namespace, name);
      if (!existing) store.create(kinds.endpoints, endpoints);
      else if (
        stableJson(existing.subsets ?? null) !== stableJson(endpoints.subsets ?? null) ||
        stableJson(existing.metadata.labels ?? {}) !== stableJson(labels)
      ) {
        const next: KubeObject = {...existing, metadata: {...existing.metadata, labels}};
        if (endpoints.subsets) next.subsets = endpoints.subsets;
        else delete next.subsets;
        store.update(kinds.endpoints, next);
      }

      const sliceEndpoints = pods.map((p) => ({
        addresses: [podOf(p).status?.podIP],
        conditions: {ready: isReady(p) && !isTerminating(p), serving: isReady(p), terminating: isTerminating(p)},
        nodeName: nodeNameOf(p),
        targetRef: {kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid},
      }));
      // discovery/v1 EndpointPort.Name is a pointer the controller always sets, "" for an unnamed port (kubectl
      // describe dereferences it); a service without pods gets the placeholder slice: no endpoints, no ports, which
      // the apiserver returns as null (endpointslice reconciler.go, placeholderSlice)
      const slicePorts = pods.length ? ports(pods[0]!).map((p) => ({name: '', ...p})) : null;
      const slices = store.list(kinds.endpointslices, {
        namespace,
        labelSelector: `${SERVICE_NAME}=${name},endpointslice.kubernetes.io/managed-by=${MANAGED_BY}`,
      }).items;
      const sliceLabels = {...labels, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY, [SERVICE_NAME]: name};
      const body = {addressType: 'IPv4', endpoints: sliceEndpoints.length ? sliceEndpoints : null, ports: slicePorts};
      const slice = slices[0];
      if (!slice)
        store.create(kinds.endpointslices, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {generateName: `${name}-`, namespace, labels: sliceLabels, ownerReferences: [controllerRef(svc)]},
          ...body,
        });
      else if (
        stableJson({addressType: slice.addressType, endpoints: slice.endpoints, ports: slice.ports}) !==
        stableJson(body)
      )
        store.update(kinds.endpointslices, {...slice, ...body});
    },
  };
}
