import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api';
import {evaluatePolicies, policiesAt, policyPlacement} from '../../server/backends/sandbox/mesh/authorization';
import {podDataplane} from '../../server/backends/sandbox/mesh/dataplane';
import {readWorld} from '../../server/backends/sandbox/mesh/world';
import {routeRequest, seededRng} from '../../server/backends/sandbox/mesh/routing';
import {isNetworkError} from '../../server/backends/sandbox/runtime/index';
import {apply} from '../fixtures/sandbox-mesh/cluster';
import {bodyOf, statusOf, walkthrough, type Walkthrough} from '../fixtures/sandbox-mesh/walkthrough';
import {getOf} from '../../server/backends/sandbox/api/kinds';

const policy = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: {name, namespace: ns},
  spec,
});
const addPolicy = (w: Walkthrough, p: KubeObject) => apply(w.store, 'security.istio.io', 'authorizationpolicies', p);
const SLEEP = ['foo', 'sleep-7656cf8794-lxcmx'] as const;
const CURL = ['bar-1', 'curl-5b549b49b8-x2x9k'] as const;

describe('AuthorizationPolicy at ztunnel (L4)', () => {
  it('ALLOW by principal: the named client passes, another gets a connection reset (curl exit 56) and ztunnel logs the rejection', async () => {
    const w = walkthrough();
    try {
      addPolicy(
        w,
        policy('bar-1', 'allow-sleep', {
          selector: {matchLabels: {app: 'httpbin'}},
          action: 'ALLOW',
          rules: [{from: [{source: {principals: ['cluster.local/ns/foo/sa/sleep']}}]}],
        }),
      );
      assert.equal(statusOf(await w.curl(...SLEEP, 'http://httpbin.bar-1:8000/get')), 200);
      const denied = await w.curl(...CURL, 'http://httpbin:8000/get');
      assert.equal(statusOf(denied), 'reset');
      const inbound = w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy').at(-1)!;
      assert.match(
        inbound,
        /\terror\taccess\tconnection complete\t.*src\.workload="curl-5b549b49b8-x2x9k".*direction="inbound".* error="connection closed due to policy rejection: allow policies exist, but none allowed"$/,
      );
      assert.match(
        w.logs('istio-system', 'ztunnel-agent2', 'istio-proxy').at(-1)!,
        /\terror\t.*direction="outbound".* error=/,
      );
    } finally {
      w.dispose();
    }
  });

  it('DENY by namespace names the policy; an L7 rule on a ztunnel-enforced ALLOW fails safe (denies everything)', async () => {
    const w = walkthrough();
    try {
      addPolicy(
        w,
        policy('bar-1', 'deny-bar-1', {
          selector: {matchLabels: {app: 'httpbin'}},
          action: 'DENY',
          rules: [{from: [{source: {namespaces: ['bar-1']}}]}],
        }),
      );
      assert.equal(statusOf(await w.curl(...CURL, 'http://httpbin:8000/get')), 'reset');
      assert.match(
        w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy').at(-1)!,
        /error="connection closed due to policy rejection: explicitly denied by: bar-1\/deny-bar-1"$/,
      );

      const w2 = walkthrough();
      try {
        addPolicy(
          w2,
          policy('bar-1', 'get-only', {
            selector: {matchLabels: {app: 'httpbin'}},
            action: 'ALLOW',
            rules: [{to: [{operation: {methods: ['GET']}}]}],
          }),
        );
        assert.equal(statusOf(await w2.curl(...CURL, 'http://httpbin:8000/get')), 'reset');
      } finally {
        w2.dispose();
      }
    } finally {
      w.dispose();
    }
  });

  it('a sidecar client whose HBONE tunnel is refused gets a 503 from its own Envoy', async () => {
    const w = walkthrough();
    try {
      addPolicy(w, policy('bar-1', 'allow-nothing', {selector: {matchLabels: {app: 'httpbin'}}, action: 'ALLOW'}));
      const r = await w.curl(...SLEEP, 'http://httpbin.bar-1:8000/get');
      assert.equal(statusOf(r), 503);
      assert.match(bodyOf(r), /^upstream connect error or disconnect\/reset before headers/);
      const zt = w.logs('istio-system', 'ztunnel-agent1', 'istio-proxy');
      assert.equal(zt.length, 1, zt.join('\n'));
      assert.match(zt[0]!, /\terror\t.*allow policies exist, but none allowed/);
    } finally {
      w.dispose();
    }
  });
});

describe('AuthorizationPolicy at the waypoint (L7)', () => {
  it('ALLOW GET from curl via targetRefs: GET passes, POST gets 403 RBAC: access denied at the waypoint', async () => {
    const w = walkthrough();
    try {
      addPolicy(
        w,
        policy('bar-2', 'helloworld-viewer', {
          targetRefs: [{kind: 'Service', group: '', name: 'helloworld'}],
          action: 'ALLOW',
          rules: [
            {from: [{source: {principals: ['cluster.local/ns/bar-1/sa/curl']}}], to: [{operation: {methods: ['GET']}}]},
          ],
        }),
      );
      assert.equal(statusOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello')), 200);
      const post = await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello', {method: 'POST'});
      assert.equal(statusOf(post), 403);
      assert.equal(bodyOf(post), 'RBAC: access denied');
      assert.ok(!isNetworkError(post) && post.headers.some(([k, v]) => k === 'content-length' && v === '19'));
      assert.match(
        w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy').at(-1)!,
        /"POST \/hello HTTP\/1\.1" 403 - rbac_access_denied_matched_policy\[none\] /,
      );
    } finally {
      w.dispose();
    }
  });

  it('a sidecar client never reaches the waypoint, so its L7 policy does not stop it: helloworld answers a POST with 405', async () => {
    // a sidecar sends to the Service's endpoints, not to its waypoint (Istio 1.23–1.29 endpoint_builder.go)
    const w = walkthrough();
    try {
      addPolicy(
        w,
        policy('bar-2', 'helloworld-viewer', {
          targetRefs: [{kind: 'Service', group: '', name: 'helloworld'}],
          action: 'ALLOW',
          rules: [
            {from: [{source: {principals: ['cluster.local/ns/bar-1/sa/curl']}}], to: [{operation: {methods: ['GET']}}]},
          ],
        }),
      );
      const before = w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy').length;
      assert.equal(statusOf(await w.curl(...SLEEP, 'http://helloworld.bar-2:5000/hello')), 200);
      const post = await w.curl(...SLEEP, 'http://helloworld.bar-2:5000/hello', {method: 'POST'});
      assert.equal(statusOf(post), 405);
      assert.match(bodyOf(post), /<title>405 Method Not Allowed<\/title>/);
      assert.equal(w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy').length, before);
      assert.match(
        w.logs('foo', 'sleep-7656cf8794-lxcmx', 'istio-proxy').at(-1)!,
        /"POST \/hello HTTP\/1\.1" 405 - via_upstream .* outbound\|5000\|\|helloworld\.bar-2\.svc\.cluster\.local /,
      );
    } finally {
      w.dispose();
    }
  });

  it('DENY on a path, attached to the waypoint Gateway, names policy and rule', async () => {
    const w = walkthrough();
    try {
      addPolicy(
        w,
        policy('bar-2', 'no-hello', {
          targetRefs: [{kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint'}],
          action: 'DENY',
          rules: [{to: [{operation: {paths: ['/hel*']}}]}],
        }),
      );
      assert.equal(statusOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello')), 403);
      assert.match(
        w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy').at(-1)!,
        /403 - rbac_access_denied_matched_policy\[ns\[bar-2\]-policy\[no-hello\]-rule\[0\]\]/,
      );
      assert.equal(statusOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/health')), 200);
    } finally {
      w.dispose();
    }
  });
});

describe('AuthorizationPolicy placement', () => {
  it('says where a policy is enforced, and flags L7 rules that ztunnel would enforce fail-safe', () => {
    const w = walkthrough();
    try {
      const world = readWorld(w.store);
      const at = (spec: Record<string, unknown>, ns = 'bar-1') =>
        policyPlacement(world, policy(ns, 'p', spec), podDataplane);
      assert.deepEqual(
        at({selector: {matchLabels: {app: 'httpbin'}}, rules: [{to: [{operation: {methods: ['GET']}}]}]}),
        {points: ['ztunnel'], l7OnZtunnel: true},
      );
      assert.deepEqual(at({rules: [{}]}, 'foo'), {points: ['sidecar'], l7OnZtunnel: false});
      assert.deepEqual(at({targetRefs: [{kind: 'Gateway', name: 'waypoint'}]}, 'bar-2'), {
        points: ['waypoint'],
        l7OnZtunnel: false,
      });
    } finally {
      w.dispose();
    }
  });
});

describe('AuthorizationPolicy evaluation (pure)', () => {
  const world = (ps: KubeObject[]) => ({
    authorizationPolicies: ps,
    istio: {installed: true, hub: '', tag: '', cni: true, rootNamespace: 'istio-system'},
  });
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: 'h', namespace: 'bar-1', labels: {app: 'httpbin'}},
  };
  const req = {
    principal: 'spiffe://cluster.local/ns/foo/sa/sleep',
    sourceNamespace: 'foo',
    sourceIp: '10.42.1.7',
    port: 8080,
    http: {
      method: 'GET',
      path: '/status/200?x=1',
      host: 'httpbin:8000',
      headers: [['X-Team', 'blue']] as [string, string][],
    },
  };

  it('selects by selector and namespace (root namespace is mesh-wide); targetRef policies only at the waypoint', () => {
    const ps = [
      policy('bar-1', 'a', {selector: {matchLabels: {app: 'httpbin'}}}),
      policy('bar-1', 'b', {selector: {matchLabels: {app: 'other'}}}),
      policy('istio-system', 'c', {}),
      policy('bar-1', 'd', {targetRefs: [{kind: 'Service', name: 'httpbin'}]}),
    ];
    assert.deepEqual(
      policiesAt(world(ps), 'ztunnel', {pod}).map((p) => p.metadata.name),
      ['a', 'c'],
    );
  });

  it('matches ipBlocks, when headers, path prefixes, notPaths; AUDIT and CUSTOM are noted and ignored', () => {
    const allow = (rule: Record<string, unknown>) =>
      evaluatePolicies([policy('bar-1', 'p', {action: 'ALLOW', rules: [rule]})], 'sidecar', req).allowed;
    assert.equal(allow({from: [{source: {ipBlocks: ['10.42.0.0/16']}}]}), true);
    assert.equal(allow({from: [{source: {ipBlocks: ['10.43.0.0/16']}}]}), false);
    assert.equal(allow({when: [{key: 'request.headers[x-team]', values: ['blue']}]}), true);
    assert.equal(allow({when: [{key: 'request.headers[x-team]', notValues: ['blue']}]}), false);
    assert.equal(allow({to: [{operation: {paths: ['/status/*'], hosts: ['httpbin']}}]}), true);
    assert.equal(allow({to: [{operation: {notPaths: ['/status/*']}}]}), false);
    assert.equal(allow({to: [{operation: {ports: ['8080']}}]}), true);
    assert.equal(allow({}), true);
    const d = evaluatePolicies(
      [
        policy('bar-1', 'audit', {action: 'AUDIT', rules: [{}]}),
        policy('bar-1', 'ext', {action: 'CUSTOM', provider: {name: 'x'}, rules: [{}]}),
      ],
      'sidecar',
      req,
    );
    assert.equal(d.allowed, true);
    assert.equal(d.notes.length, 2);
    // no rules at all: ALLOW matches nothing (allow-nothing)
    assert.equal(evaluatePolicies([policy('bar-1', 'none', {})], 'sidecar', req).reason, 'no-allow-match');
  });
});

describe('HTTPRoute', () => {
  const route = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {name: 'helloworld', namespace: 'bar-2'},
    spec,
  });
  const split = (v1: number, v2: number) =>
    route({
      parentRefs: [{group: '', kind: 'Service', name: 'helloworld', port: 5000}],
      rules: [
        {
          backendRefs: [
            {name: 'helloworld-v1', port: 5000, weight: v1},
            {name: 'helloworld-v2', port: 5000, weight: v2},
          ],
        },
      ],
    });

  it('a 90/10 split shows in repeated requests through the waypoint (seeded)', async () => {
    const w = walkthrough({seed: 42});
    try {
      apply(w.store, 'gateway.networking.k8s.io', 'httproutes', split(90, 10));
      const seen = {v1: 0, v2: 0};
      for (let i = 0; i < 200; i++) {
        const body = bodyOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello'));
        seen[/version: (v\d)/.exec(body)![1] as 'v1' | 'v2']++;
      }
      assert.ok(seen.v1 > 160 && seen.v1 < 195, JSON.stringify(seen));
      assert.ok(seen.v2 > 5, JSON.stringify(seen));
      assert.match(w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy').at(-1)!, / bar-2\.helloworld\.0\.0$/);
      // istiod's route status: the mesh controller accepted the Service parent
      w.clock.advance(0);
      const parents = (
        getOf(w.store, 'httproutes', 'bar-2', 'helloworld')!.status as {
          parents: {controllerName: string; conditions: {type: string; status: string}[]}[];
        }
      ).parents;
      assert.equal(parents[0]!.controllerName, 'istio.io/gateway-controller');
      assert.deepEqual(
        parents[0]!.conditions.map((c) => `${c.type}=${c.status}`),
        ['Accepted=True', 'ResolvedRefs=True'],
      );
    } finally {
      w.dispose();
    }
  });

  it('header matches win by precedence; response header filters show to the client; no match → 404 from Envoy', async () => {
    const w = walkthrough();
    try {
      apply(
        w.store,
        'gateway.networking.k8s.io',
        'httproutes',
        route({
          parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint'}],
          rules: [
            {
              matches: [{path: {type: 'PathPrefix', value: '/hello'}, headers: [{name: 'x-version', value: 'v2'}]}],
              backendRefs: [{name: 'helloworld-v2', port: 5000}],
              filters: [
                {type: 'ResponseHeaderModifier', responseHeaderModifier: {add: [{name: 'x-routed', value: 'v2'}]}},
              ],
            },
            {
              matches: [{path: {type: 'PathPrefix', value: '/hello'}}],
              backendRefs: [{name: 'helloworld-v1', port: 5000}],
            },
          ],
        }),
      );
      for (let i = 0; i < 5; i++)
        assert.match(bodyOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello')), /version: v1/);
      const v2 = await w.curl(...CURL, 'http://helloworld.bar-2:5000/hello', {headers: [['x-version', 'v2']]});
      assert.match(bodyOf(v2), /version: v2/);
      assert.ok(!isNetworkError(v2) && v2.headers.some(([k, v]) => k === 'x-routed' && v === 'v2'));
      assert.equal(statusOf(await w.curl(...CURL, 'http://helloworld.bar-2:5000/health')), 404);
      w.clock.advance(0);
      const gw = getOf(w.store, 'gateways', 'bar-2', 'waypoint')!;
      assert.equal((gw.status as {listeners: {attachedRoutes: number}[]}).listeners[0]!.attachedRoutes, 1);
      assert.equal(
        (getOf(w.store, 'httproutes', 'bar-2', 'helloworld')!.status as {parents: {controllerName: string}[]})
          .parents[0]!.controllerName,
        'istio.io/gateway-controller',
      );
    } finally {
      w.dispose();
    }
  });

  it('a sidecar client applies a Service-parented route itself (no waypoint line); a route on the waypoint Gateway does not reach it', async () => {
    // GAMMA routes apply at the client sidecar; the sidecar skips the waypoint (Istio 1.23–1.29 endpoint_builder.go)
    const w = walkthrough();
    try {
      apply(w.store, 'gateway.networking.k8s.io', 'httproutes', split(0, 100));
      for (let i = 0; i < 5; i++)
        assert.match(bodyOf(await w.curl(...SLEEP, 'http://helloworld.bar-2:5000/hello')), /version: v2/);
      assert.deepEqual(w.logs('bar-2', 'waypoint-5b9c7d8f4-abcde', 'istio-proxy'), []);
      assert.match(
        w.logs('foo', 'sleep-7656cf8794-lxcmx', 'istio-proxy').at(-1)!,
        / outbound\|5000\|\|helloworld-v2\.bar-2\.svc\.cluster\.local .* bar-2\.helloworld\.0\.0$/,
      );
      apply(w.store, 'gateway.networking.k8s.io', 'httproutes', {
        ...route({
          parentRefs: [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint'}],
          rules: [{backendRefs: [{name: 'helloworld-v1', port: 5000}]}],
        }),
        metadata: {name: 'waypoint-to-v1', namespace: 'bar-2'},
      });
      w.store.delete(w.store.types.lookup('gateway.networking.k8s.io', 'v1', 'httproutes')!, 'bar-2', 'helloworld');
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++)
        seen.add(/version: (v\d)/.exec(bodyOf(await w.curl(...SLEEP, 'http://helloworld.bar-2:5000/hello')))![1]!);
      assert.deepEqual(
        [...seen].sort(),
        ['v1', 'v2'],
        'the sidecar balances over the Service as if no route were there',
      );
    } finally {
      w.dispose();
    }
  });

  it('routeRequest (pure): no routes → the service itself; weights of 0 → no backend', () => {
    const svc = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name, namespace: 'bar-2'},
      spec: {ports: [{port: 5000}]},
    });
    const services = [svc('helloworld'), svc('helloworld-v1'), svc('helloworld-v2')];
    const target = {service: services[0]!, port: 5000};
    const r = {method: 'GET', target: '/hello', headers: [] as [string, string][]};
    const d = routeRequest({httpRoutes: [], services}, target, r, seededRng(1));
    assert.equal(d.kind === 'backend' && d.service.metadata.name, 'helloworld');
    assert.equal(routeRequest({httpRoutes: [split(0, 0)], services}, target, r, seededRng(1)).kind, 'no-backend');
  });
});
