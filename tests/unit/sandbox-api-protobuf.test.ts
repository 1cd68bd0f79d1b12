import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {after, before, describe, it} from 'node:test';
import {decodeProtobufObject} from '../../server/backends/sandbox/api/protobuf/decode';
import {startHarness, type Harness} from '../fixtures/sandbox/harness';

// kubectl 1.33's generators send protobuf; the gcloud SDK ships a kubectl.1.33 next to the dispatcher.
const KUBECTL_133 = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.33', '/usr/bin/kubectl.1.33'].find((p) => existsSync(p));

/** protobuf encoding helpers for a hand-made body */
const varint = (n: number) => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
};
const field = (no: number, body: Buffer | string) => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([varint((no << 3) | 2), varint(b.length), b]);
};

describe('protobuf request bodies', () => {
  it('decodes the k8s envelope into the JSON a JSON client would send', () => {
    const meta = Buffer.concat([
      field(1, 'foo'),
      field(11, Buffer.concat([field(1, 'team'), field(2, 'a')])),
      field(8, Buffer.alloc(0)),
    ]);
    const cm = Buffer.concat([field(1, meta), field(2, Buffer.concat([field(1, 'k'), field(2, 'v')]))]);
    const unknown = Buffer.concat([field(1, Buffer.concat([field(1, 'v1'), field(2, 'ConfigMap')])), field(2, cm)]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]);
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'foo', labels: {team: 'a'}},
      data: {k: 'v'},
    });
    assert.throws(() => decodeProtobufObject(Buffer.from('nope')), /magic/);
  });

  describe('with kubectl 1.33', {skip: KUBECTL_133 ? false : 'kubectl.1.33 is not installed'}, () => {
    let h: Harness;
    const k = (args: string[]) => h.kubectl('pb', args, {binary: KUBECTL_133});
    before(async () => {
      h = await startHarness();
      h.api.sandboxes.create('pb');
    });
    after(async () => h?.close());

    it('creates namespace, secret, configmap, serviceaccount, deployment and service from generators', async () => {
      assert.equal((await k(['create', 'namespace', 'pb'])).stdout, 'namespace/pb created\n');
      assert.equal(
        (await k(['create', 'secret', 'generic', 's', '-n', 'pb', '--from-literal=user=admin'])).stdout,
        'secret/s created\n',
      );
      assert.equal(
        (await k(['create', 'configmap', 'c', '-n', 'pb', '--from-literal=k=v'])).stdout,
        'configmap/c created\n',
      );
      assert.equal(
        (await k(['create', 'serviceaccount', 'robot', '-n', 'pb'])).stdout,
        'serviceaccount/robot created\n',
      );
      const d = await k(['create', 'deployment', 'web', '-n', 'pb', '--image=nginx:1.27', '--replicas=0', '--port=80']);
      assert.equal(d.stdout, 'deployment.apps/web created\n', d.stderr);
      assert.equal(
        (await k(['create', 'service', 'clusterip', 'web', '-n', 'pb', '--tcp=80:8080'])).stdout,
        'service/web created\n',
      );
      const s = await k(['get', 'secret', 's', '-n', 'pb', '-o', 'jsonpath={.data.user}']);
      assert.equal(Buffer.from(s.stdout, 'base64').toString(), 'admin');
      const dep = JSON.parse((await k(['get', 'deploy', 'web', '-n', 'pb', '-o', 'json'])).stdout);
      assert.equal(dep.spec.replicas, 0);
      assert.deepEqual(dep.spec.selector, {matchLabels: {app: 'web'}});
      assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
      assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 80);
      const svc = JSON.parse((await k(['get', 'svc', 'web', '-n', 'pb', '-o', 'json'])).stdout);
      assert.deepEqual(
        svc.spec.ports.map((p: {port: number; targetPort: number}) => [p.port, p.targetPort]),
        [[80, 8080]],
      );
      assert.equal(
        (await k(['create', 'job', 'j', '-n', 'pb', '--image=busybox', '--', 'echo', 'hi'])).stdout,
        'job.batch/j created\n',
      );
      assert.equal(
        (
          await k([
            'get',
            'job',
            'j',
            '-n',
            'pb',
            '-o',
            'jsonpath={.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy}',
          ])
        ).stdout,
        '["echo","hi"] Never',
      );
      assert.equal((await k(['create', 'role', 'r', '-n', 'pb', '--verb=get', '--resource=pods'])).code, 0);
      assert.equal(
        (await k(['create', 'rolebinding', 'rb', '-n', 'pb', '--role=r', '--serviceaccount=pb:robot'])).code,
        0,
      );
      assert.equal(
        (
          await k([
            'get',
            'rolebinding',
            'rb',
            '-n',
            'pb',
            '-o',
            'jsonpath={.roleRef.kind}/{.roleRef.name} {.subjects[0].kind}:{.subjects[0].namespace}:{.subjects[0].name}',
          ])
        ).stdout,
        'Role/r ServiceAccount:pb:robot',
      );
      assert.equal(
        (await k(['create', 'ingress', 'ing', '-n', 'pb', '--class=traefik', '--rule=a.com/api*=web:80'])).code,
        0,
      );
      const ing = JSON.parse((await k(['get', 'ingress', 'ing', '-n', 'pb', '-o', 'json'])).stdout);
      assert.deepEqual(ing.spec, {
        ingressClassName: 'traefik',
        rules: [
          {
            host: 'a.com',
            http: {paths: [{path: '/api', pathType: 'Prefix', backend: {service: {name: 'web', port: {number: 80}}}}]},
          },
        ],
      });
      const dup = await k(['create', 'namespace', 'pb']);
      assert.equal(dup.stderr, 'Error from server (AlreadyExists): namespaces "pb" already exists\n');
    });
  });
});
