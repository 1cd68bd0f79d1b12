import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {after, before, describe, it} from 'node:test';
import {Writer} from 'protobufjs/minimal.js';
import {decodeProtobufObject} from '../../server/backends/sandbox/api/protobuf/decode';
import type {ApiError} from '../../server/backends/sandbox/api/status';
import {startHarness, type Harness} from '../fixtures/sandbox/harness';

// kubectl 1.33's generators send protobuf; the gcloud SDK ships a kubectl.1.33 next to the dispatcher.
const KUBECTL_133 = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.33', '/usr/bin/kubectl.1.33'].find((p) => existsSync(p));

/** a length-delimited field (a string, bytes or an embedded message) of a hand-made body */
const field = (no: number, body: Uint8Array | string) => {
  const w = Writer.create().uint32((no << 3) | 2);
  return typeof body === 'string' ? w.string(body).finish() : w.bytes(body).finish();
};
/** a varint field */
const varintField = (no: number, v: number) =>
  Writer.create()
    .uint32(no << 3)
    .int64(v)
    .finish();
const cat = (...parts: Uint8Array[]) => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Uint8Array) =>
  cat(Buffer.from('k8s\0', 'binary'), field(1, cat(field(1, apiVersion), field(2, kind))), field(2, raw));

describe('protobuf request bodies', () => {
  it('decodes the k8s envelope into the JSON a JSON client would send', () => {
    const meta = cat(field(1, 'foo'), field(11, cat(field(1, 'team'), field(2, 'a'))), field(8, Buffer.alloc(0)));
    const cm = cat(field(1, meta), field(2, cat(field(1, 'k'), field(2, 'v'))));
    const body = envelope('v1', 'ConfigMap', cm);
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'foo', labels: {team: 'a'}},
      data: {k: 'v'},
    });
    assert.throws(() => decodeProtobufObject(Buffer.from('nope')), /magic/);
  });

  it('reads int64 varints (negative, zero kept where Go has a pointer) and skips fields in an unexpected wire type', () => {
    const spec = cat(varintField(1, 0), varintField(5, -3), field(6, 'a string where a varint belongs'));
    const dep = cat(field(1, field(1, 'web')), field(2, spec));
    assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'Deployment', dep)), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'web'},
      spec: {replicas: 0, minReadySeconds: -3},
    });
  });

  it('answers a truncated or malformed body with a 400, an unknown kind with a 415', () => {
    const badRequest = (e: ApiError) =>
      e.code === 400 && /^the body of the request was in an unknown format: /.test(e.message);
    const body = envelope('v1', 'ConfigMap', cat(field(1, field(1, 'foo'))));
    assert.throws(() => decodeProtobufObject(body.subarray(0, body.length - 2)), badRequest);
    assert.throws(() => decodeProtobufObject(cat(body, Buffer.from([0x0f]))), badRequest); // wire type 7
    assert.throws(
      () => decodeProtobufObject(envelope('v1', 'Pod', Buffer.alloc(0))),
      (e: ApiError) => e.code === 415 && /kind "Pod"/.test(e.message),
    );
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
