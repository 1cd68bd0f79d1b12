/**
 * `kubectl port-forward` in the sandbox shell, then the machine's real curl through it, as a learner does to reach
 * a UI (Argo CD) or an app: the forwarded port answers with the app's real response.
 */
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {NO_KUBECTL, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

const L = 'pf1';
const APP = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: httpbin, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: httpbin}}
  template:
    metadata: {labels: {app: httpbin}}
    spec:
      containers:
      - {name: httpbin, image: docker.io/mccutchen/go-httpbin:v2.15.0, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000, targetPort: 8080}]
`;

describe('port-forward with curl through it', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  before(async () => {
    h = await startBackend();
    const c = await h.sh(L, "k3d cluster create pf --agents 1 --k3s-arg '--disable=traefik@server:*'");
    assert.equal(c.code, 0, c.stderr);
    const a = await h.sh(L, 'kubectl apply -f - && kubectl rollout status deploy/httpbin --timeout=30s', {input: APP});
    assert.equal(a.code, 0, a.stderr);
  });
  after(async () => h?.close());

  it('kubectl port-forward svc/httpbin in the background, curl localhost gets httpbin, the forward log says so', async () => {
    // one shell line, as a step would run it: forward in the background, wait for the port, curl, stop the forward
    const line = [
      'kubectl port-forward svc/httpbin 18081:8000 >/tmp/pf-$$.log 2>&1 & PF=$!',
      'for i in $(seq 1 50); do curl -s -o /dev/null localhost:18081/get && break; sleep 0.1; done',
      'curl -s "localhost:18081/get?via=port-forward"',
      'curl -s -o /dev/null -w "status=%{http_code}\\n" localhost:18081/status/418',
      'kill $PF; cat /tmp/pf-$$.log; rm -f /tmp/pf-$$.log',
    ].join('; ');
    const r = await h.sh(L, line, {timeoutMs: 30_000});
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1));
    assert.deepEqual(body.args, {via: ['port-forward']});
    assert.equal(body.url, 'http://localhost:18081/get?via=port-forward');
    assert.match(r.stdout, /^status=418$/m);
    assert.match(r.stdout, /^Forwarding from 127\.0\.0\.1:18081 -> 8080$/m);
    assert.match(r.stdout, /^Handling connection for 18081$/m);
  });
});
