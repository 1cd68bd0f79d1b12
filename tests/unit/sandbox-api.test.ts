import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {K3S_VERSION} from '../../server/backends/sandbox/versions';
import {rows, startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

// The real kubectl (the machine's, through the gcloud dispatcher where it is one) against the sandbox API.
const SB = 'alpha';

const SERVICE_AND_DEPLOYMENT = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: 8080}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env: [{name: A, value: "1"}, {name: B, value: "keep"}]
        ports: [{containerPort: 8080}]
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`;

describe('sandbox API with the real kubectl', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl(SB, args, {input});

  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create(SB);
  });
  after(async () => h?.close());

  it('reports the pinned k3s version, so the dispatcher runs the matching kubectl without a skew warning', async () => {
    const r = await k(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Server Version: ${K3S_VERSION.replace('+', '\\+')}`));
    assert.doesNotMatch(r.stderr, /WARNING: version difference/);
  });

  it('lists the fresh cluster namespaces with the real columns', async () => {
    const r = await k(['get', 'ns']);
    assert.equal(r.code, 0, r.stderr);
    const t = rows(r.stdout);
    assert.deepEqual(t[0], ['NAME', 'STATUS', 'AGE']);
    assert.deepEqual(
      t.slice(1).map((x) => x[0]),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    for (const row of t.slice(1)) {
      assert.equal(row[1], 'Active');
      assert.match(row[2]!, /^\d+s$/);
    }
  });

  it('creates a namespace, and says AlreadyExists for a duplicate', async () => {
    assert.equal((await k(['create', 'ns', 'foo'])).stdout, 'namespace/foo created\n');
    const dup = await k(['create', 'namespace', 'foo']);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'Error from server (AlreadyExists): namespaces "foo" already exists\n');
  });

  it('labels, refuses to overwrite without --overwrite, overwrites, and removes a label', async () => {
    assert.equal(
      (await k(['label', 'ns', 'foo', 'istio.io/dataplane-mode=ambient'])).stdout,
      'namespace/foo labeled\n',
    );
    const refused = await k(['label', 'ns', 'foo', 'istio.io/dataplane-mode=none']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already has a value \(ambient\), and --overwrite is false/);
    assert.equal((await k(['label', 'ns', 'foo', 'istio.io/dataplane-mode=none', '--overwrite'])).code, 0);
    const l = rows((await k(['get', 'ns', 'foo', '-L', 'istio.io/dataplane-mode'])).stdout);
    assert.deepEqual(l[0], ['NAME', 'STATUS', 'AGE', 'DATAPLANE-MODE']);
    assert.equal(l[1]![3], 'none');
    assert.equal((await k(['label', 'ns', 'foo', 'istio.io/dataplane-mode-'])).stdout, 'namespace/foo unlabeled\n');
    const shown = await k(['get', 'ns', 'foo', '--show-labels', '--no-headers']);
    assert.match(shown.stdout, /kubernetes\.io\/metadata\.name=foo\n$/);
  });

  it('creates a Service and a Deployment from stdin, and lists them with per-kind columns', async () => {
    const r = await k(['create', '-n', 'foo', '-f', '-'], SERVICE_AND_DEPLOYMENT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'service/web created\ndeployment.apps/web created\n');
    const svc = rows((await k(['get', 'svc', '-n', 'foo', '-o', 'wide'])).stdout);
    assert.deepEqual(svc[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    assert.equal(svc[1]![1], 'ClusterIP');
    assert.match(svc[1]![2]!, /^10\.43\.\d+\.\d+$/);
    assert.equal(svc[1]![4], '80/TCP');
    assert.equal(svc[1]![6], 'app=web');
    const dep = rows((await k(['get', 'deploy', '-n', 'foo'])).stdout);
    assert.deepEqual(dep[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(dep[1]!.slice(0, 4), ['web', '0/2', '0', '0']);
    const dup = await k(['create', '-n', 'foo', '-f', '-'], SERVICE_AND_DEPLOYMENT);
    assert.match(
      dup.stderr,
      /Error from server \(AlreadyExists\): error when creating "STDIN": services "web" already exists/,
    );
  });

  it('applies: creates, updates with a strategic merge (lists merged by name), and reports unchanged', async () => {
    const v1 = SERVICE_AND_DEPLOYMENT.replace(/name: web\n {2}labels/g, 'name: api\n  labels');
    const created = await k(['apply', '-n', 'foo', '-f', '-'], v1);
    assert.equal(created.stdout, 'service/api created\ndeployment.apps/api created\n', created.stderr);
    const v2 = v1
      .replace('replicas: 2', 'replicas: 3')
      .replace('nginx:1.27', 'nginx:1.28')
      .replace('value: "1"', 'value: "2"');
    const updated = await k(['apply', '-n', 'foo', '-f', '-'], v2);
    assert.equal(updated.stdout, 'service/api unchanged\ndeployment.apps/api configured\n', updated.stderr);
    const got = await k([
      'get',
      'deploy',
      'api',
      '-n',
      'foo',
      '-o',
      'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env} {.metadata.generation}',
    ]);
    assert.equal(got.stdout, '3 nginx:1.28 [{"name":"A","value":"2"},{"name":"B","value":"keep"}] 2');
    assert.equal(
      (await k(['apply', '-n', 'foo', '-f', '-'], v2)).stdout,
      'service/api unchanged\ndeployment.apps/api unchanged\n',
    );
  });

  it('applies a CRD, then a custom resource of it, shown with its printer columns and short name', async () => {
    assert.equal(
      (await k(['apply', '-f', '-'], CRD)).stdout,
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n',
    );
    const w = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: foo}\nspec: {color: blue}\n';
    const r = await k(['apply', '-f', '-'], w);
    assert.equal(r.stdout, 'widget.example.com/w1 created\n', r.stderr);
    assert.equal(
      (await k(['apply', '-f', '-'], w.replace('blue', 'red'))).stdout,
      'widget.example.com/w1 configured\n',
    );
    const t = rows((await k(['get', 'wdg', '-A'])).stdout);
    assert.deepEqual(t[0], ['NAMESPACE', 'NAME', 'COLOR', 'AGE']);
    assert.deepEqual(t[1]!.slice(0, 3), ['foo', 'w1', 'red']);
    const crds = rows((await k(['get', 'crd'])).stdout);
    assert.deepEqual(crds[0], ['NAME', 'CREATED AT']);
    assert.match(crds[1]![1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const est = await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=5s']);
    assert.equal(
      est.stdout,
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n',
      est.stderr,
    );
  });

  it('patches a secret with stringData (folded into base64 data), also as merge and JSON patches', async () => {
    assert.equal((await k(['create', 'secret', 'generic', 's1', '-n', 'foo', '--from-literal=a=b'])).code, 0);
    assert.equal(
      (await k(['patch', 'secret', 's1', '-n', 'foo', '-p', '{"stringData":{"c":"d"}}'])).stdout,
      'secret/s1 patched\n',
    );
    assert.equal(
      (await k(['get', 'secret', 's1', '-n', 'foo', '-o', 'jsonpath={.data}'])).stdout,
      '{"a":"Yg==","c":"ZA=="}',
    );
    assert.equal(
      (await k(['patch', 'secret', 's1', '-n', 'foo', '--type=merge', '-p', '{"data":{"a":null}}'])).code,
      0,
    );
    const jp = await k([
      'patch',
      'secret',
      's1',
      '-n',
      'foo',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]',
    ]);
    assert.equal(jp.code, 0, jp.stderr);
    assert.equal(
      (await k(['get', 'secret', 's1', '-n', 'foo', '-o', 'jsonpath={.data} {.metadata.labels.x}'])).stdout,
      '{"c":"ZA=="} y',
    );
    const t = rows((await k(['get', 'secrets', '-n', 'foo'])).stdout);
    assert.deepEqual(t[0], ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(t[1]!.slice(0, 3), ['s1', 'Opaque', '1']);
  });

  it('answers a JSON patch that does not apply as the API server does (handlers/patch.go: 422, generic message)', async () => {
    const jp = (ops: string) => k(['patch', 'secret', 's1', '-n', 'foo', '--type=json', '-p', ops]);
    for (const ops of [
      '[{"op":"test","path":"/data/c","value":"other"}]',
      '[{"op":"remove","path":"/metadata/annotations/none"}]',
    ]) {
      const r = await jp(ops);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'The request is invalid: the server rejected our request due to an error in our request\n',
        ops,
      );
    }
    const replaced = await jp('[{"op":"replace","path":"/metadata/labels/z","value":"1"}]');
    assert.equal(replaced.stdout, 'secret/s1 patched\n', replaced.stderr);
  });

  it('prints -o yaml, json, jsonpath and name', async () => {
    const y = (await k(['get', 'ns', 'foo', '-o', 'yaml'])).stdout;
    assert.match(y, /^apiVersion: v1\nkind: Namespace\nmetadata:\n {2}creationTimestamp: "\d{4}-/);
    assert.match(y, /resourceVersion: "\d+"/);
    assert.match(y, /uid: [0-9a-f-]{36}/);
    assert.match(y, /status:\n {2}phase: Active/);
    const j = JSON.parse((await k(['get', 'deploy', 'web', '-n', 'foo', '-o', 'json'])).stdout);
    assert.equal(j.kind, 'Deployment');
    assert.equal(j.metadata.generation, 1);
    assert.equal(j.spec.strategy.type, 'RollingUpdate');
    const list = JSON.parse((await k(['get', 'svc', '-n', 'foo', '-o', 'json'])).stdout);
    assert.equal(list.kind, 'List');
    assert.deepEqual(
      list.items.map((i: {metadata: {name: string}}) => i.metadata.name),
      ['api', 'web'],
    );
    assert.equal(
      (await k(['get', 'deploy,svc', '-n', 'foo', '-o', 'name'])).stdout,
      'deployment.apps/api\ndeployment.apps/web\nservice/api\nservice/web\n',
    );
  });

  it('selects by label (every operator) and by field', async () => {
    await k(['label', 'svc', 'web', '-n', 'foo', 'tier=back', '--overwrite']);
    const names = async (sel: string[]) =>
      (await k(['get', 'svc', '-n', 'foo', '-o', 'name', ...sel])).stdout.trim().split('\n').filter(Boolean);
    assert.deepEqual(await names(['-l', 'tier=front']), ['service/api']);
    assert.deepEqual(await names(['-l', 'tier==back']), ['service/web']);
    assert.deepEqual(await names(['-l', 'tier!=back']), ['service/api']);
    assert.deepEqual(await names(['-l', 'tier in (front,back)']), ['service/api', 'service/web']);
    assert.deepEqual(await names(['-l', 'tier notin (front)']), ['service/web']);
    assert.deepEqual(await names(['-l', 'app,tier']), ['service/api', 'service/web']);
    assert.deepEqual(await names(['-l', '!tier']), []);
    assert.deepEqual(await names(['--field-selector', 'metadata.name=web']), ['service/web']);
    assert.deepEqual(await names(['--field-selector', 'metadata.name!=web']), ['service/api']);
    const none = await k(['get', 'pods', '-n', 'foo', '--field-selector', 'spec.nodeName=k3d-x-agent-0']);
    assert.equal(none.stderr, 'No resources found in foo namespace.\n');
    const bad = await k(['get', 'svc', '-n', 'foo', '--field-selector', 'spec.bogus=1']);
    assert.match(bad.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.bogus/);
  });

  it('gives the real error texts: NotFound, Invalid, strict decoding of unknown fields, Conflict', async () => {
    const nf = await k(['get', 'pod', 'nope', '-n', 'foo']);
    assert.equal(nf.stderr, 'Error from server (NotFound): pods "nope" not found\n');
    const nd = await k(['delete', 'deploy', 'nope', '-n', 'foo']);
    assert.equal(nd.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
    const nsMissing = await k(
      ['create', '-n', 'nowhere', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    );
    assert.equal(
      nsMissing.stderr,
      'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n',
    );
    const bad = await k(
      ['apply', '-f', '-'],
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: foo}\nspec:\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: x}]}\n',
    );
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'The Deployment "bad" is invalid: \n* spec.selector: Required value\n* spec.template.spec.containers[0].image: Required value\n',
    );
    const typo = await k(
      ['create', '-n', 'foo', '-f', '-'],
      SERVICE_AND_DEPLOYMENT.split('---\n')[1]!
        .replace('name: web', 'name: typo')
        .replace('replicas: 2', 'replica: 2')
        .replace('containerPort', 'contanerPort'),
    );
    assert.equal(
      typo.stderr.trim(),
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].ports[0].contanerPort"',
    );
    const stale = (await k(['get', 'svc', 'web', '-n', 'foo', '-o', 'yaml'])).stdout;
    await k(['annotate', 'svc', 'web', '-n', 'foo', 'touched=yes']);
    const conflict = await k(['replace', '-f', '-'], stale);
    assert.equal(
      conflict.stderr,
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again\n',
    );
    const badName = await k(['create', 'ns', 'Bad_Name']);
    assert.match(
      badName.stderr,
      /^The Namespace "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/,
    );
  });

  it('shows short names and categories in api-resources, and get all uses the category', async () => {
    const r = await k(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    const byName = new Map(rows(r.stdout).map((x) => [x[0], x]));
    for (const [res, short] of [
      ['pods', 'po'],
      ['namespaces', 'ns'],
      ['services', 'svc'],
      ['deployments', 'deploy'],
      ['customresourcedefinitions', 'crd,crds'],
      ['widgets', 'wdg'],
    ])
      assert.equal(byName.get(res)?.[1], short, `${res} short names`);
    const all = await k(['get', 'all', '-n', 'foo', '-o', 'name']);
    assert.equal(all.stdout, 'service/api\nservice/web\ndeployment.apps/api\ndeployment.apps/web\n');
  });

  it('watches: get -w prints changes as they happen, wait --for=delete returns when a namespace is gone', async () => {
    // the list comes first (its header), then the watch: a change after the header must show up as a new row
    const watching = h.kubectlStream(SB, ['get', 'ns', '-w']);
    await watching.until(/^NAME +STATUS +AGE\n/);
    await k(['create', 'ns', 'watched']);
    await watching.until(/\nwatched +Active +\d+s\n/);
    await watching.stop();
    await k(['create', 'ns', 'doomed']);
    await k(['create', 'configmap', 'c', '-n', 'doomed']);
    const del = await k(['delete', 'ns', 'doomed']);
    assert.equal(del.stdout, 'namespace "doomed" deleted\n', del.stderr);
    assert.equal(
      (await k(['get', 'ns', 'doomed'])).stderr,
      'Error from server (NotFound): namespaces "doomed" not found\n',
    );
    await k(['create', 'ns', 'doomed2']);
    const waiting = k(['wait', '--for=delete', 'ns/doomed2', '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 300));
    await k(['delete', 'ns', 'doomed2', '--wait=false']);
    const wr = await waiting;
    assert.equal(wr.code, 0, wr.stderr);
  });

  it('deletes a deployment and a namespace with all its content', async () => {
    assert.equal((await k(['delete', 'deploy', 'api', '-n', 'foo'])).stdout, 'deployment.apps "api" deleted\n');
    assert.equal((await k(['delete', 'ns', 'foo'])).stdout, 'namespace "foo" deleted\n');
    const left = await k(['get', 'widgets,svc,deploy,secrets', '-A', '-o', 'name']);
    assert.equal(left.stdout, 'service/kubernetes\n');
  });
});
