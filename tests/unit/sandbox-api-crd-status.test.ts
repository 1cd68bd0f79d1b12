/** A custom resource with a status subresource that has no status yet can still be updated (label, apply). */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startHarness, type Harness} from '../fixtures/sandbox/harness';

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

describe('custom resources without a status', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('crs');
  });
  after(async () => h?.close());

  it('label and re-apply succeed; no status appears', async () => {
    assert.equal((await h.kubectl('crs', ['apply', '-f', '-'], {input: CRD})).code, 0);
    const cr = `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: 1}\n`;
    assert.equal((await h.kubectl('crs', ['apply', '-f', '-'], {input: cr})).code, 0);
    const labelled = await h.kubectl('crs', ['label', 'widget', 'w', 'team=mesh']);
    assert.equal(labelled.stderr, '');
    assert.equal(labelled.stdout.trim(), 'widget.example.com/w labeled');
    const applied = await h.kubectl('crs', ['apply', '-f', '-'], {input: cr.replace('size: 1', 'size: 2')});
    assert.equal(applied.stdout.trim(), 'widget.example.com/w configured');
    const json = JSON.parse((await h.kubectl('crs', ['get', 'widget', 'w', '-o', 'json'])).stdout);
    assert.equal(json.spec.size, 2);
    assert.equal('status' in json, false);
  });
});
