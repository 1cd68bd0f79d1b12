import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

// `kubectl explain` and what else kubectl 1.31 reads from /openapi/v3 (issue #13): the built-in kinds' documents are
// upstream's (api/openapi-spec/v3, release-1.31), a CRD's is built from its stored schema as apiextensions does.
const WIDGETS = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        description: A Widget is something a learner builds.
        type: object
        required: [spec]
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
            description: What the widget should be.
            type: object
            required: [color]
            properties:
              color: {description: The colour of the widget., type: string, enum: [red, blue]}
              size: {description: How many parts it has., type: integer}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

describe('kubectl explain and /openapi/v3', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[], input?: string) => h.kubectl('ex', args, {input, timeoutMs: 60_000});
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('ex');
  });
  after(async () => h?.close());

  it('explains a built-in kind and its fields from the upstream documents', async () => {
    const pod = await k(['explain', 'pod']);
    assert.equal(pod.code, 0, pod.stderr);
    assert.match(
      pod.stdout,
      /^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Pod is a collection of containers that can run on a host\./,
    );
    assert.match(pod.stdout, /\n {2}spec\t<PodSpec>\n {4}Specification of the desired behavior of the pod\./);

    const containers = await k(['explain', 'pod.spec.containers']);
    assert.equal(containers.code, 0, containers.stderr);
    assert.match(containers.stdout, /^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: containers <\[\]Container>\n/);
    assert.match(containers.stdout, /\n {2}name\t<string> -required-\n/);
    assert.match(containers.stdout, /\n {2}image\t<string>\n {4}Container image name\./);

    const recursive = await k(['explain', 'deployment', '--recursive']);
    assert.equal(recursive.code, 0, recursive.stderr);
    assert.match(recursive.stdout, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    assert.match(
      recursive.stdout,
      /\n {4}selector\t<LabelSelector> -required-\n {6}matchExpressions\t<\[\]LabelSelectorRequirement>\n/,
    );
  });

  it('answers an unknown field or resource as kubectl does against a real server', async () => {
    const field = await k(['explain', 'pod.spec.nosuchfield']);
    assert.equal(field.code, 1);
    assert.equal(field.stderr, 'error: field "nosuchfield" does not exist\n');
    const kind = await k(['explain', 'nosuchkind']);
    assert.equal(kind.code, 1);
    assert.equal(kind.stderr, 'the server doesn\'t have a resource type "nosuchkind"\n');
  });

  it('explains a custom resource from its CRD schema, with TypeMeta and ObjectMeta added', async () => {
    assert.equal((await k(['apply', '-f', '-'], WIDGETS)).code, 0);
    const widget = await k(['explain', 'widgets']);
    assert.equal(widget.code, 0, widget.stderr);
    assert.match(
      widget.stdout,
      /^GROUP:\s+example\.com\nKIND:\s+Widget\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}A Widget is something a learner builds\.\n/,
    );
    assert.match(widget.stdout, /\n {2}metadata\t<ObjectMeta>\n {4}Standard object's metadata\./);
    assert.match(widget.stdout, /\n {2}spec\t<Object> -required-\n {4}What the widget should be\.\n/);
    const color = await k(['explain', 'widget.spec.color']);
    assert.match(color.stdout, /FIELD: color <string>\nENUM:\n {4}red\n {4}blue\n/);
    const name = await k(['explain', 'widget.metadata.name']);
    assert.match(name.stdout, /FIELD: name <string>\n\n\nDESCRIPTION:\n {4}Name must be unique within a namespace\./);
  });

  it('lists a document per group-version, hashed, and redirects a stale hash', async () => {
    const root = JSON.parse((await k(['get', '--raw', '/openapi/v3'])).stdout) as {
      paths: Record<string, {serverRelativeURL: string}>;
    };
    assert.match(root.paths['api/v1']!.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    assert.ok(root.paths['apis/apps/v1']);
    assert.ok(root.paths['apis/example.com/v1'], 'the CRD group-version is listed');
    // a stale hash is a 301 to the current one (kubectl's client follows it)
    const stale = await k(['get', '--raw', '/openapi/v3/apis/example.com/v1?hash=0123', '-v=6']);
    assert.match(stale.stderr, /GET .*\/openapi\/v3\/apis\/example\.com\/v1\?hash=0123 301 Moved Permanently/);
    const doc = JSON.parse(stale.stdout) as {
      paths: Record<string, unknown>;
      components: {schemas: Record<string, unknown>};
    };
    assert.ok(doc.components.schemas['com.example.v1.Widget']);
    assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status']);
  });

  it('lets kubectl apply pick its patch type from the documents: strategic for built-ins, merge for CRs', async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "${v}"}\n`;
    assert.equal((await k(['apply', '-f', '-'], cm('1'))).code, 0);
    const smp = await k(['apply', '-f', '-', '-v=9'], cm('2'));
    assert.match(smp.stderr, /-XPATCH .*-H "Content-Type: application\/strategic-merge-patch\+json"/);
    const w = (size: number) =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {color: red, size: ${size}}\n`;
    assert.equal((await k(['apply', '-f', '-'], w(1))).code, 0);
    const merge = await k(['apply', '-f', '-', '-v=9'], w(2));
    assert.match(merge.stderr, /-XPATCH .*-H "Content-Type: application\/merge-patch\+json"/);
    assert.equal((await k(['get', 'widget', 'w', '-o', 'jsonpath={.spec.size}'])).stdout, '2');
  });
});
