/** Discovery orders CRD groups as the real aggregator does, which decides what a short name means to kubectl. */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startHarness, type Harness} from '../fixtures/sandbox/harness';

const crd = (group: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: gateways, singular: gateway, kind: Gateway, listKind: GatewayList, shortNames: [gw]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;

describe('discovery order of CRD groups', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('order');
  });
  after(async () => h?.close());

  it('Istio installed first, Gateway API second: `gateway` still means gateway.networking.k8s.io (sorted by name)', async () => {
    // Istio's Gateway CRD lands first, as when istioctl install runs before the Gateway API CRDs are applied
    assert.equal((await h.kubectl('order', ['apply', '-f', '-'], {input: crd('networking.istio.io')})).code, 0);
    assert.equal((await h.kubectl('order', ['apply', '-f', '-'], {input: crd('gateway.networking.k8s.io')})).code, 0);
    const manifest = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: waypoint, namespace: default}\nspec: {}\n`;
    assert.equal((await h.kubectl('order', ['apply', '-f', '-'], {input: manifest})).code, 0);
    const got = await h.kubectl('order', ['get', 'gateway', '-o', 'name']);
    assert.equal(got.stdout.trim(), 'gateway.gateway.networking.k8s.io/waypoint');
    const groups = await h.kubectl('order', ['api-versions']);
    const lines = groups.stdout.trim().split('\n');
    assert.ok(lines.indexOf('gateway.networking.k8s.io/v1') < lines.indexOf('networking.istio.io/v1'));
  });
});
