import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {ObjectStore, type KubeObject, type StoreEvent} from '../../server/backends/sandbox/api/index';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';

function setup() {
  const clock = new ManualClock('2025-01-23T00:00:00Z');
  const store = new ObjectStore({clock, namespaceFinalizeDelayMs: 500});
  const t = (g: string, v: string, r: string) => store.types.lookup(g, v, r)!;
  const ns = t('', 'v1', 'namespaces');
  const cm = t('', 'v1', 'configmaps');
  const deploy = t('apps', 'v1', 'deployments');
  const rs = t('apps', 'v1', 'replicasets');
  const pod = t('', 'v1', 'pods');
  store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'app'}});
  return {clock, store, ns, cm, deploy, rs, pod};
}

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name, namespace: 'app'},
  spec: {
    selector: {matchLabels: {app: name}},
    template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'c', image: 'nginx'}]}},
  },
});

describe('ObjectStore', () => {
  it('stamps uid, creationTimestamp from the injected clock, and a rising integer resourceVersion', () => {
    const {store, cm} = setup();
    const a = store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a', namespace: 'app'}});
    const b = store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'b', namespace: 'app'}});
    assert.match(a.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(a.metadata.creationTimestamp, '2025-01-23T00:00:00Z');
    assert.equal(Number(b.metadata.resourceVersion), Number(a.metadata.resourceVersion) + 1);
    assert.equal(store.list(cm, {namespace: 'app'}).resourceVersion, b.metadata.resourceVersion);
    assert.equal(a.metadata.generation, undefined, 'ConfigMaps have no generation');
  });

  it('bumps generation on spec changes only, and answers a stale resourceVersion with 409 Conflict', () => {
    const {store, deploy} = setup();
    const d = store.create(deploy, deployment('web'));
    assert.equal(d.metadata.generation, 1);
    const labelled = store.update(deploy, {...d, metadata: {...d.metadata, labels: {x: 'y'}}});
    assert.equal(labelled.metadata.generation, 1);
    const scaled = store.update(deploy, {...labelled, spec: {...(labelled.spec as object), replicas: 3}});
    assert.equal(scaled.metadata.generation, 2);
    assert.throws(
      () => store.update(deploy, {...d, spec: {...(d.spec as object), replicas: 5}}),
      (e: {code: number; message: string}) =>
        e.code === 409 &&
        e.message ===
          'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    // a no-op update keeps the resourceVersion
    assert.equal(store.update(deploy, scaled).metadata.resourceVersion, scaled.metadata.resourceVersion);
  });

  it('keeps status out of main-resource updates and spec out of status updates', () => {
    const {store, deploy} = setup();
    const d = store.create(deploy, deployment('web'));
    const withStatus = store.updateStatus(deploy, {...d, status: {replicas: 1}, spec: {replicas: 9}});
    assert.deepEqual(withStatus.status, {replicas: 1});
    assert.equal((withStatus.spec as {replicas: number}).replicas, 1);
    const main = store.update(deploy, {...withStatus, status: {replicas: 7}});
    assert.deepEqual(main.status, {replicas: 1});
  });

  it('holds an object with finalizers until they are removed', () => {
    const {store, cm} = setup();
    store.create(cm, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'f', namespace: 'app', finalizers: ['example.com/hold']},
    });
    const deleting = store.delete(cm, 'app', 'f');
    assert.equal(deleting.metadata.deletionTimestamp, '2025-01-23T00:00:00Z');
    assert.ok(store.get(cm, 'app', 'f'));
    const cur = store.get(cm, 'app', 'f')!;
    store.update(cm, {...cur, metadata: {...cur.metadata, finalizers: []}});
    assert.equal(store.get(cm, 'app', 'f'), undefined);
  });

  it('cascades deletion through ownerReferences: Background, Foreground and Orphan', () => {
    const {store, deploy, rs, pod} = setup();
    const chain = (name: string) => {
      const d = store.create(deploy, deployment(name));
      const owner = (o: KubeObject) => [
        {
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name!,
          uid: o.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      const r = store.create(rs, {
        ...deployment(`${name}-rs`),
        kind: 'ReplicaSet',
        metadata: {name: `${name}-rs`, namespace: 'app', ownerReferences: owner(d)},
      });
      store.create(pod, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: `${name}-pod`, namespace: 'app', ownerReferences: owner(r)},
        spec: {containers: [{name: 'c', image: 'nginx'}]},
      });
    };
    const names = () => [...store.list(rs).items, ...store.list(pod).items].map((o) => o.metadata.name).sort();
    chain('bg');
    chain('fg');
    chain('or');
    store.delete(deploy, 'app', 'bg', {propagationPolicy: 'Background'});
    assert.deepEqual(names(), ['fg-pod', 'fg-rs', 'or-pod', 'or-rs']);
    const events: string[] = [];
    const sub = store.watch((e) => events.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`));
    store.delete(deploy, 'app', 'fg', {propagationPolicy: 'Foreground'});
    sub.dispose();
    assert.deepEqual(names(), ['or-pod', 'or-rs']);
    assert.equal(
      events[0],
      'MODIFIED Deployment/fg',
      'the owner is marked first (deletionTimestamp + foregroundDeletion)',
    );
    assert.equal(events.at(-1), 'DELETED Deployment/fg', 'and goes last');
    store.delete(deploy, 'app', 'or', {propagationPolicy: 'Orphan'});
    assert.deepEqual(names(), ['or-pod', 'or-rs']);
    assert.equal(store.get(rs, 'app', 'or-rs')!.metadata.ownerReferences, undefined);
  });

  it('terminates a namespace, refuses new content, then removes it with its content after the delay', () => {
    const {store, clock, ns, cm} = setup();
    store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x', namespace: 'app'}});
    const t = store.delete(ns, undefined, 'app');
    assert.equal((t.status as {phase: string}).phase, 'Terminating');
    assert.throws(
      () => store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'y', namespace: 'app'}}),
      (e: {code: number; message: string}) =>
        e.code === 403 &&
        /unable to create new content in namespace app because it is being terminated/.test(e.message),
    );
    store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kube-system'}});
    assert.throws(
      () => store.delete(ns, undefined, 'kube-system'),
      (e: {code: number; message: string}) =>
        e.code === 403 && e.message === 'namespaces "kube-system" is forbidden: this namespace may not be deleted',
    );
    clock.advance(499);
    assert.ok(store.get(ns, undefined, 'app'));
    clock.advance(1);
    assert.equal(store.get(ns, undefined, 'app'), undefined);
    assert.equal(store.list(cm).items.length, 0);
    assert.throws(
      () => store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'z', namespace: 'app'}}),
      /namespaces "app" not found/,
    );
  });

  it('replays changes after a resourceVersion to a new watcher, and says 410 Gone past the kept history', () => {
    const clock = new ManualClock();
    const store = new ObjectStore({clock, historySize: 3});
    const ns = store.types.lookup('', 'v1', 'namespaces')!;
    for (const n of ['a', 'b', 'c', 'd', 'e'])
      store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: n}});
    const seen: StoreEvent[] = [];
    store.watch((e) => seen.push(e), {sinceResourceVersion: 3, resource: ns}).dispose();
    assert.deepEqual(
      seen.map((e) => e.object.metadata.name),
      ['d', 'e'],
    );
    assert.throws(
      () => store.watch(() => {}, {sinceResourceVersion: 1}),
      (e: {code: number; message: string}) => e.code === 410 && /too old resource version: 1/.test(e.message),
    );
  });

  it('registers CRD types at once and drops their objects with the CRD', () => {
    const {store} = setup();
    const crdType = store.types.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    store.create(crdType, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: 'gateways.gateway.networking.k8s.io'},
      spec: {
        group: 'gateway.networking.k8s.io',
        scope: 'Namespaced',
        names: {plural: 'gateways', kind: 'Gateway', shortNames: ['gtw'], categories: ['gateway-api']},
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [{name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName'}],
          },
          {name: 'v1beta1', served: true, storage: false},
        ],
      },
    });
    const gtw = store.types.lookup('gateway.networking.k8s.io', 'v1', 'gateways')!;
    assert.deepEqual(gtw.shortNames, ['gtw']);
    assert.equal(gtw.kind, 'Gateway');
    store.create(gtw, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {name: 'g', namespace: 'app'},
      spec: {gatewayClassName: 'istio'},
    });
    const viaBeta = store.get(store.types.lookup('gateway.networking.k8s.io', 'v1beta1', 'gateways')!, 'app', 'g')!;
    assert.equal(viaBeta.apiVersion, 'gateway.networking.k8s.io/v1beta1', 'served in the version asked for');
    const crd = store.get(crdType, undefined, 'gateways.gateway.networking.k8s.io')!;
    assert.deepEqual(
      (crd.status as {conditions: {type: string}[]}).conditions.map((c) => c.type),
      ['NamesAccepted', 'Established'],
    );
    store.delete(crdType, undefined, 'gateways.gateway.networking.k8s.io');
    assert.equal(store.types.lookup('gateway.networking.k8s.io', 'v1', 'gateways'), undefined);
  });

  it('delivers events in resourceVersion order to every watcher, even when a watcher writes from its callback', () => {
    const {store, cm} = setup();
    // a "controller" reacting to a ConfigMap by writing another one
    store.watch((e) => {
      if (e.type === 'ADDED' && e.object.metadata.name === 'trigger')
        store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'reaction', namespace: 'app'}});
    });
    const seen: number[] = [];
    store.watch((e) => seen.push(e.resourceVersion));
    store.create(cm, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'trigger', namespace: 'app'}});
    assert.equal(seen.length, 2);
    assert.ok(seen[0]! < seen[1]!, `in order: ${seen.join(', ')}`);
  });

  it('deletes scheduled pods gracefully when asked to, leaving the removal to a kubelet', () => {
    const clock = new ManualClock();
    const store = new ObjectStore({clock, gracefulPodDeletion: true});
    const ns = store.types.lookup('', 'v1', 'namespaces')!;
    const pod = store.types.lookup('', 'v1', 'pods')!;
    store.create(ns, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'app'}});
    const mk = (name: string, nodeName?: string) =>
      store.create(pod, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name, namespace: 'app'},
        spec: {nodeName, containers: [{name: 'c', image: 'nginx'}]},
      });
    mk('pending');
    mk('running', 'k3d-lab-agent-0');
    store.delete(pod, 'app', 'pending');
    assert.equal(store.get(pod, 'app', 'pending'), undefined, 'nothing to wait for');
    const marked = store.delete(pod, 'app', 'running');
    assert.equal(marked.metadata.deletionTimestamp, '2025-01-23T00:00:30Z');
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    assert.ok(store.get(pod, 'app', 'running'));
    store.delete(pod, 'app', 'running', {gracePeriodSeconds: 0});
    assert.equal(store.get(pod, 'app', 'running'), undefined);
  });

  it('validates label syntax and the 256 KiB annotation limit (why client-side apply of huge CRDs fails)', () => {
    const {store, cm} = setup();
    assert.throws(
      () =>
        store.create(cm, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {name: 'l', namespace: 'app', labels: {a: 'bad value'}},
        }),
      (e: {code: number; message: string}) =>
        e.code === 422 &&
        /^ConfigMap "l" is invalid: metadata\.labels: Invalid value: "bad value": a valid label/.test(e.message),
    );
    assert.throws(
      () =>
        store.create(cm, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'big',
            namespace: 'app',
            annotations: {'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(262145)},
          },
        }),
      (e: {message: string}) =>
        e.message === 'ConfigMap "big" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
    );
  });

  it('survives a snapshot round trip, CRD-defined objects included', () => {
    const {store, deploy} = setup();
    store.create(deploy, deployment('web'));
    const copy = new ObjectStore();
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    assert.equal(copy.resourceVersion, store.resourceVersion);
    assert.deepEqual(copy.get(deploy, 'app', 'web'), store.get(deploy, 'app', 'web'));
  });
});
