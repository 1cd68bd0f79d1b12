import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import {peerMetadataOf} from '../../server/backends/sandbox/mesh/peer-metadata';

// The X-Envoy-Peer-Metadata value a real sleep sidecar sent to httpbin in ambient mode (the source post,
// shared/reference/istio-ambient-k3d.ko.md, Istio 1.23 on k3d): the sandbox must encode the same Struct byte for byte.
const REAL =
  'ChoKCkNMVVNURVJfSUQSDBoKS3ViZXJuZXRlcwp5CgZMQUJFTFMSbyptCg4KA2FwcBIHGgVzbGVlcAoqCh9zZXJ2aWNlLmlzdGlvLmlvL2Nhbm9uaWNhbC1uYW1lEgcaBXNsZWVwCi8KI3NlcnZpY2UuaXN0aW8uaW8vY2Fub25pY2FsLXJldmlzaW9uEggaBmxhdGVzdAogCgROQU1FEhgaFnNsZWVwLTY4ODU0NDVmNzUtNnp4aDUKEgoJTkFNRVNQQUNFEgUaA2ZvbwpFCgVPV05FUhI8GjprdWJlcm5ldGVzOi8vYXBpcy9hcHBzL3YxL25hbWVzcGFjZXMvZm9vL2RlcGxveW1lbnRzL3NsZWVwChgKDVdPUktMT0FEX05BTUUSBxoFc2xlZXA=';

describe('X-Envoy-Peer-Metadata', () => {
  it("encodes a sidecar's node metadata as the real header does", () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'sleep-6885445f75-6zxh5',
        namespace: 'foo',
        labels: {
          app: 'sleep',
          'pod-template-hash': '6885445f75',
          'security.istio.io/tlsMode': 'istio',
          'service.istio.io/canonical-name': 'sleep',
          'service.istio.io/canonical-revision': 'latest',
        },
        ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'sleep-6885445f75', uid: 'u'}],
      },
    } as unknown as KubeObject;
    assert.equal(peerMetadataOf(pod), REAL);
  });
});
