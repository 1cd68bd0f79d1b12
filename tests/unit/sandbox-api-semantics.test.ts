import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';
import {ManualClock} from '../../server/backends/sandbox/kit/clock';

// The apiserver's answers a curious learner meets (issue #13): validation, immutable fields, and the rest, through
// the real kubectl, worded as kube-apiserver 1.31 words them (sources cited in server/backends/sandbox/api/*.ts).
describe('API semantics: validation and immutable fields', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('sem', args, {input});
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('sem');
  });
  after(async () => h?.close());

  it('names Services by DNS-1035 and refuses a nodePort out of range or taken', async () => {
    const digit = await k(['create', 'service', 'clusterip', '1web', '--tcp=80:80']);
    assert.match(
      digit.stderr,
      /^error: failed to create ClusterIP service: Service "1web" is invalid: metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/,
    );
    const svc = (port: number, name = 'np') =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports: [{port: 80, nodePort: ${port}}]\n`;
    const low = await k(['apply', '-f', '-'], svc(80));
    assert.equal(
      low.stderr,
      'The Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    );
    assert.equal((await k(['apply', '-f', '-'], svc(30080))).code, 0);
    const taken = await k(['apply', '-f', '-'], svc(30080, 'np2'));
    assert.equal(
      taken.stderr,
      'The Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n',
    );
    const dup = await k(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: dup}\nspec:\n  ports: [{name: a, port: 80}, {name: a, port: 80}]\n',
    );
    assert.equal(
      dup.stderr,
      'The Service "dup" is invalid: \n* spec.ports[1].name: Duplicate value: "a"\n* spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}\n',
    );
  });

  it('keeps a Service clusterIP and a Deployment selector as they were created', async () => {
    await k(['create', 'service', 'clusterip', 'ip', '--tcp=80:80']);
    const ip = await k(['patch', 'svc', 'ip', '-p', '{"spec":{"clusterIP":"10.43.77.77"}}']);
    assert.equal(
      ip.stderr,
      'The Service "ip" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.43.77.77"}: may not change once set\n',
    );
    assert.equal((await k(['create', 'deployment', 'web', '--image=nginx'])).code, 0);
    const sel = await k([
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"selector":{"matchLabels":{"app":"web2"}},"template":{"metadata":{"labels":{"app":"web2"}}}}}',
    ]);
    assert.equal(
      sel.stderr,
      'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n',
    );
  });

  it('checks label keys part by part, as IsQualifiedName', async () => {
    const r = await k(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lab\n  labels: {"Example.com/-x": "ok"}\n',
    );
    assert.equal(
      r.stderr,
      `The ConfigMap "lab" is invalid: \n* metadata.labels: Invalid value: "Example.com/-x": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n* metadata.labels: Invalid value: "Example.com/-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n`,
    );
  });

  it('refuses changes to an immutable ConfigMap', async () => {
    await k(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {a: "1"}\n',
    );
    const r = await k(['patch', 'cm', 'frozen', '-p', '{"data":{"a":"2"}}']);
    assert.equal(
      r.stderr,
      'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n',
    );
    const thaw = await k(['patch', 'cm', 'frozen', '-p', '{"immutable":false}']);
    assert.equal(
      thaw.stderr,
      'The ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n',
    );
  });

  it('refuses a pod spec change other than an image', async () => {
    await k(['run', 'p', '--image=nginx']);
    assert.equal((await k(['set', 'image', 'pod/p', 'p=nginx:1.27'])).code, 0);
    const r = await k(['set', 'env', 'pod/p', 'A=b']);
    assert.match(
      r.stderr,
      /^error: failed to patch env update to pod template: Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\]\.image`,/,
    );
  });
});

describe('API semantics: raw endpoints', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[]) => h.kubectl('raw', args);
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('raw');
  });
  after(async () => h?.close());

  it('answers /healthz, /livez, /readyz (verbose, one check, exclude) as kube-apiserver 1.31', async () => {
    assert.equal((await k(['get', '--raw', '/healthz'])).stdout, 'ok');
    const ready = (await k(['get', '--raw', '/readyz?verbose'])).stdout;
    assert.match(
      ready,
      /^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]etcd ok\n\[\+\]etcd-readiness ok\n\[\+\]informer-sync ok\n/,
    );
    assert.match(ready, /\[\+\]poststarthook\/rbac\/bootstrap-roles ok\n/);
    assert.match(ready, /\[\+\]shutdown ok\nreadyz check passed\n$/);
    const live = (await k(['get', '--raw', '/livez?verbose&exclude=etcd'])).stdout;
    assert.match(live, /\[\+\]etcd excluded: ok\n/);
    assert.doesNotMatch(live, /\[\+\]informer-sync ok|\[\+\]shutdown ok/);
    assert.match(live, /livez check passed\n$/);
    assert.equal((await k(['get', '--raw', '/readyz/etcd'])).stdout, 'ok');
    const missing = await k(['get', '--raw', '/readyz/nothing']);
    assert.match(missing.stderr, /NotFound/);
  });

  it('serves /version and /metrics', async () => {
    assert.match((await k(['get', '--raw', '/version'])).stdout, /"gitVersion": ?"v1\.31\.\d+\+k3s1"/);
    await k(['get', 'ns']);
    const m = (await k(['get', '--raw', '/metrics'])).stdout;
    assert.match(m, /^# HELP apiserver_request_total /m);
    assert.match(
      m,
      /apiserver_request_total\{code="200",component="apiserver",dry_run="",group="",resource="namespaces",scope="cluster",subresource="",verb="LIST",version="v1"\} 1/,
    );
    assert.match(m, /apiserver_storage_objects\{resource="namespaces"\} 4/);
  });
});

describe('API semantics: RBAC for impersonated users', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('rbac', args, {input});
  const SA = '--as=system:serviceaccount:default:default';
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('rbac');
  });
  after(async () => h?.close());

  it('answers can-i for the default service account as k3s bootstrap RBAC does', async () => {
    assert.equal((await k(['auth', 'can-i', 'delete', 'nodes'])).stdout, 'yes\n');
    const no = await k(['auth', 'can-i', 'list', 'pods', SA]);
    assert.equal(no.stdout, 'no\n');
    assert.equal(no.code, 1);
    assert.equal(
      (await k(['auth', 'can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io', SA])).stdout,
      'yes\n',
    );
    assert.equal((await k(['auth', 'can-i', 'get', '/healthz', SA])).stdout, 'yes\n');
    assert.equal((await k(['auth', 'can-i', 'get', '/metrics', SA])).stdout, 'no\n');
    assert.match(
      (await k(['auth', 'whoami', SA])).stdout,
      /Username +system:serviceaccount:default:default\nGroups +\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]/,
    );
  });

  it('refuses an impersonated request with the apiserver 403, until a RoleBinding allows it', async () => {
    const denied = await k(['get', 'pods', SA]);
    assert.equal(
      denied.stderr,
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"\n',
    );
    const ns = await k(['get', 'ns', 'kube-system', SA]);
    assert.equal(
      ns.stderr,
      'Error from server (Forbidden): namespaces "kube-system" is forbidden: User "system:serviceaccount:default:default" cannot get resource "namespaces" in API group "" in the namespace "kube-system"\n',
    );
    assert.equal(
      (await k(['create', 'rolebinding', 'sa-view', '--clusterrole=view', '--serviceaccount=default:default'])).code,
      0,
    );
    assert.equal((await k(['auth', 'can-i', 'list', 'pods', SA])).stdout, 'yes\n');
    assert.equal((await k(['get', 'pods', SA])).stderr, 'No resources found in default namespace.\n');
    assert.equal((await k(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system', SA])).stdout, 'no\n');
    assert.equal((await k(['auth', 'can-i', 'get', 'secrets', SA])).stdout, 'no\n');
    const list = (await k(['auth', 'can-i', '--list', SA])).stdout;
    assert.match(list, /^pods +\[\] +\[\] +\[get list watch\]$/m);
  });
});

describe('API semantics: managedFields and server-side apply', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('ssa', args, {input});
  const DEPLOY = (replicas: number, extra = '') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n${extra}`;
  const managers = async (name: string) => {
    const o = JSON.parse((await k(['get', 'deploy', name, '-o', 'json', '--show-managed-fields'])).stdout) as {
      metadata: {managedFields?: {manager: string; operation: string; subresource?: string; fieldsV1: unknown}[]};
    };
    return o.metadata.managedFields ?? [];
  };
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('ssa');
  });
  after(async () => h?.close());

  it('records the manager of every write, from fieldManager or the User-Agent', async () => {
    assert.equal((await k(['apply', '-f', '-'], DEPLOY(1))).code, 0);
    let m = await managers('web');
    assert.deepEqual(
      m.map((e) => [e.manager, e.operation]),
      [['kubectl-client-side-apply', 'Update']],
    );
    const fields = m[0]!.fieldsV1 as Record<string, Record<string, unknown>>;
    assert.deepEqual(fields['f:metadata']!['f:labels'], {'.': {}, 'f:app': {}});
    assert.deepEqual(fields['f:spec']!['f:selector'], {});
    assert.ok(
      (fields['f:spec']!['f:template'] as Record<string, Record<string, Record<string, unknown>>>)['f:spec']![
        'f:containers'
      ]!['k:{"name":"web"}'],
    );
    await k(['label', 'deploy', 'web', 'tier=front']);
    await k(['scale', 'deploy', 'web', '--replicas=3']);
    m = await managers('web');
    // entries sort by operation, then by the second of their time, then by manager: compare them as a set
    assert.deepEqual(m.map((e) => [e.manager, e.operation, e.subresource ?? '']).sort(), [
      ['kubectl', 'Update', 'scale'],
      ['kubectl-client-side-apply', 'Update', ''],
      ['kubectl-label', 'Update', ''],
    ]);
    assert.equal((await k(['get', 'deploy', 'web', '-o', 'yaml'])).stdout.includes('managedFields'), false);
  });

  it('refuses a server-side apply over another manager field with the real 409, until --force-conflicts', async () => {
    const r = await k(['apply', '--server-side', '-f', '-'], DEPLOY(2));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas\nPlease review the fields above--they currently have other managers\./,
    );
    const forced = await k(['apply', '--server-side', '--force-conflicts', '-f', '-'], DEPLOY(2));
    assert.equal(forced.stdout, 'deployment.apps/web serverside-applied\n', forced.stderr);
    const m = await managers('web');
    assert.deepEqual(
      m.map((e) => [e.manager, e.operation]),
      // kubectl moved kubectl-client-side-apply's fields to its Apply entry first (csaupgrade), as against a real server
      [
        ['kubectl', 'Apply'],
        ['kubectl-label', 'Update'],
      ],
    );
    assert.equal((await k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout, '2');
  });

  it('lists every conflict by manager, and prunes what an applier stopped applying', async () => {
    await k(
      ['apply', '--server-side', '-f', '-'],
      DEPLOY(1).replace('name: web', 'name: two').replaceAll('app: web', 'app: two'),
    );
    await k([
      'patch',
      'deploy',
      'two',
      '--field-manager=kubectl-edit',
      '-p',
      '{"spec":{"replicas":4,"minReadySeconds":5}}',
    ]);
    const r = await k(
      ['apply', '--server-side', '-f', '-'],
      DEPLOY(2, '  minReadySeconds: 1\n').replace('name: web', 'name: two').replaceAll('app: web', 'app: two'),
    );
    assert.match(
      r.stderr,
      /^error: Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps\/v1:\n- \.spec\.minReadySeconds\n- \.spec\.replicas\n/,
    );
    // a field only this applier owned goes when it stops applying it
    const withEnv = DEPLOY(1, '        env: [{name: A, value: "1"}]\n')
      .replace('name: web', 'name: three')
      .replaceAll('app: web', 'app: three');
    await k(['apply', '--server-side', '-f', '-'], withEnv);
    await k(['apply', '--server-side', '-f', '-'], withEnv.replace('        env: [{name: A, value: "1"}]\n', ''));
    assert.equal(
      (await k(['get', 'deploy', 'three', '-o', 'jsonpath={.spec.template.spec.containers[0].env}'])).stdout,
      '',
    );
  });
});

describe('API semantics: finalizers and namespace deletion', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  const k = (args: string[], input?: string) => h.kubectl('fin', args, {input});
  before(async () => {
    h = await startHarness({clock});
    h.api.sandboxes.create('fin');
  });
  after(async () => h?.close());

  it('makes kubectl delete wait for the finalizers to go', async () => {
    await k(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: waits, finalizers: [example.com/hold]}\n',
    );
    const del = h.kubectlStream('fin', ['delete', 'cm', 'waits']);
    await del.until(/configmap "waits" deleted/);
    assert.match((await k(['get', 'cm', 'waits', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout, /^2026-/);
    await k(['patch', 'cm', 'waits', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    // kubectl ends by itself once its watch sees the object go
    await assert.rejects(del.until(/never printed/), /kubectl exited \(0\)/);
  });

  it('keeps a finalized object with a deletionTimestamp until its finalizers go', async () => {
    await k(['create', 'ns', 'gone']);
    await k(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: gone, finalizers: [example.com/hold]}\ndata: {a: "1"}\n',
    );
    assert.equal(
      (await k(['delete', 'cm', 'held', '-n', 'gone', '--wait=false'])).stdout,
      'configmap "held" deleted\n',
    );
    const held = JSON.parse((await k(['get', 'cm', 'held', '-n', 'gone', '-o', 'json'])).stdout) as {
      metadata: {deletionTimestamp?: string};
    };
    assert.equal(held.metadata.deletionTimestamp, '2026-01-01T00:00:00Z');
    assert.equal((await k(['delete', 'ns', 'gone', '--wait=false'])).stdout, 'namespace "gone" deleted\n');
    clock.advance(1000);
    const ns = JSON.parse((await k(['get', 'ns', 'gone', '-o', 'json'])).stdout) as {
      status: {phase: string; conditions: {type: string; status: string; reason: string; message: string}[]};
    };
    assert.equal(ns.status.phase, 'Terminating');
    assert.deepEqual(
      ns.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
        [
          'NamespaceDeletionGroupVersionParsingFailure',
          'False',
          'ParsedGroupVersions',
          'All legacy kube types successfully parsed',
        ],
        [
          'NamespaceDeletionContentFailure',
          'False',
          'ContentDeleted',
          'All content successfully deleted, may be waiting on finalization',
        ],
        [
          'NamespaceContentRemaining',
          'True',
          'SomeResourcesRemain',
          'Some resources are remaining: configmaps. has 1 resource instances',
        ],
        [
          'NamespaceFinalizersRemaining',
          'True',
          'SomeFinalizersRemain',
          'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
        ],
      ],
    );
    await k([
      'patch',
      'cm',
      'held',
      '-n',
      'gone',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    assert.match((await k(['get', 'cm', 'held', '-n', 'gone'])).stderr, /NotFound/);
    clock.advance(1000);
    assert.match((await k(['get', 'ns', 'gone'])).stderr, /namespaces "gone" not found/);
  });
});

describe('API semantics: defaulting and JSON patch tests', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('def', args, {input});
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('def');
  });
  after(async () => h?.close());

  it('gives a claim without a class the default StorageClass (DefaultStorageClass admission), and keeps an explicit ""', async () => {
    await k(
      ['apply', '-f', '-'],
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local-path\n  annotations: {storageclass.kubernetes.io/is-default-class: "true"}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Delete\n',
    );
    const pvc = (name: string, cls = '') =>
      `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec:\n${cls}  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`;
    await k(['apply', '-f', '-'], pvc('data'));
    assert.equal((await k(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.storageClassName}'])).stdout, 'local-path');
    await k(['apply', '-f', '-'], pvc('none', '  storageClassName: ""\n'));
    assert.equal((await k(['get', 'pvc', 'none', '-o', 'jsonpath={.spec.storageClassName}'])).stdout, '');
    const grow = await k(['patch', 'pvc', 'data', '-p', '{"spec":{"accessModes":["ReadWriteMany"]}}']);
    assert.match(
      grow.stderr,
      /^The PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/,
    );
  });

  it('answers a failed JSON patch test op with the apiserver 422', async () => {
    await k(['create', 'cm', 'c', '--from-literal=a=1']);
    const r = await k(['patch', 'cm', 'c', '--type=json', '-p', '[{"op":"test","path":"/data/a","value":"2"}]']);
    assert.equal(r.stderr, 'The request is invalid: the server rejected our request due to an error in our request\n');
    const ok = await k([
      'patch',
      'cm',
      'c',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"3"}]',
    ]);
    assert.equal(ok.stdout, 'configmap/c patched\n');
  });
});
