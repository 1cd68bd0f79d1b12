import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {KubeObject} from '../../server/backends/sandbox/api/types';
import {listOf, mustType} from '../../server/backends/sandbox/api/kinds';
import {parseGoDuration} from '../../server/backends/sandbox/commands/istioctl/go-duration';
import {glob} from '../../server/backends/sandbox/commands/istioctl/analyze';
import {istioRelease} from '../../server/backends/sandbox/commands/istioctl/istio-release';
import {eventually, installGatewayApi, startIstioHarness, type IstioHarness} from '../fixtures/sandbox-istio/harness';

// The flags istioctl 1.29.6's help lists, as the real command treats them: the root's impersonation
// (istioctl/pkg/cli/context.go getImpersonateConfig) decided by the sandbox API's RBAC, --kubeclient-timeout,
// proxy-status' xDS flags, analyze's and x precheck's, and the unsimulated ones saying so.
const V = istioRelease(process.env).version;
const SA = 'system:serviceaccount:foo:bar';
const forbidden = (verb: string, resource: string, where: string, group = '') =>
  `User "${SA}" cannot ${verb} resource "${resource}" in API group "${group}" ${where}`;

describe('istioctl flags as 1.29.6 treats them', () => {
  let h: IstioHarness;
  let istiod: string;
  const create = (kind: Parameters<typeof mustType>[1], o: KubeObject) => h.store.create(mustType(h.store, kind), o);
  const bind = (name: string, namespace: string, rules: unknown[]) => {
    create('roles', {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name, namespace}, rules});
    create('rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {name, namespace},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name},
      subjects: [{kind: 'ServiceAccount', name: 'bar', namespace: 'foo'}],
    });
  };

  before(async () => {
    h = await startIstioHarness();
    await installGatewayApi(h.store);
    assert.equal((await h.run('install --set profile=ambient --set values.global.platform=k3d -y')).code, 0);
    create('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {name: 'bar-1', labels: {'istio.io/dataplane-mode': 'ambient'}},
    });
    await eventually(
      () => listOf(h.store, 'pods', {namespace: 'istio-system', labelSelector: 'app=ztunnel'}).length === 3,
    );
    istiod = String(
      listOf(h.store, 'pods', {namespace: 'istio-system', labelSelector: 'app=istiod'})[0]!.metadata.name,
    );
  });
  after(async () => h?.close());

  describe('--as, --as-group, --as-uid: client-go impersonation, decided by RBAC', () => {
    it('a service account with no binding: each command fails on its first request, in its own words', async () => {
      const v = await h.run(`version --as ${SA}`);
      assert.equal(v.code, 0);
      assert.equal(v.stdout, `client version: ${V}\n`);
      assert.equal(
        v.stderr,
        `Istio is not present in the cluster: unable to retrieve Pods: pods is forbidden: ${forbidden('list', 'pods', 'in the namespace "istio-system"')}\n`,
      );
      const ps = await h.run(`proxy-status --as ${SA}`);
      assert.equal(ps.code, 1);
      assert.equal(
        ps.stderr,
        `Error: unable to retrieve Pods: pods is forbidden: ${forbidden('list', 'pods', 'in the namespace "istio-system"')}\n`,
      );
      const wl = await h.run(`waypoint list -n bar-1 --as ${SA}`);
      assert.equal(
        wl.stderr,
        `Error: gateways.gateway.networking.k8s.io is forbidden: ${forbidden('list', 'gateways', 'in the namespace "bar-1"', 'gateway.networking.k8s.io')}\n`,
      );
      const wa = await h.run(`waypoint apply -n bar-1 --as ${SA}`);
      assert.equal(
        wa.stderr,
        `Error: failed to get namespace bar-1: namespaces "bar-1" is forbidden: ${forbidden('get', 'namespaces', 'at the cluster scope')}\n`,
      );
      // detectIstioVersionDiff's failure is no warning; CreateNamespace's GET is the first refusal
      const inst = await h.run(`install -y --as ${SA}`);
      assert.equal(inst.code, 1);
      assert.match(
        inst.stderr,
        new RegExp(
          `\nError: failed to install manifests: failed to check if namespace istio-system exists: namespaces "istio-system" is forbidden: User "${SA}" cannot get resource "namespaces"`,
        ),
      );
      // precheck's SelfSubjectAccessReviews find no permission, then checkGatewayAPIs' CRD list fails outright
      const pre = await h.run(`x precheck --as ${SA}`);
      assert.equal(pre.code, 1);
      assert.equal(pre.stdout, '');
      assert.equal(
        pre.stderr,
        `Error: customresourcedefinitions.apiextensions.k8s.io is forbidden: ${forbidden('list', 'customresourcedefinitions', 'at the cluster scope', 'apiextensions.k8s.io')}\n`,
      );
    });

    it('--as-group and --as-uid without --as are ignored; with --as, system:masters may do anything', async () => {
      const admin = await h.run('proxy-status');
      assert.equal(admin.code, 0);
      assert.equal((await h.run('proxy-status --as-group system:authenticated --as-uid 42')).stdout, admin.stdout);
      const masters = await h.run(`proxy-status --as ${SA} --as-group system:masters --as-uid 42`);
      assert.equal(masters.code, 0, masters.stderr);
      assert.equal(masters.stdout, admin.stdout);
    });

    it('proxy-status asks for each request it makes: the pod list, the token, the port-forward', async () => {
      bind('ps-list', 'istio-system', [{apiGroups: [''], resources: ['pods'], verbs: ['list']}]);
      const token = await h.run(`ps --as ${SA}`);
      assert.equal(
        token.stderr,
        `Error: failed to create RPC credentials for "default.istio-system": serviceaccounts "default" is forbidden: ${forbidden('create', 'serviceaccounts/token', 'in the namespace "istio-system"')}\n`,
      );
      bind('ps-token', 'istio-system', [{apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create']}]);
      const get = await h.run(`ps --as ${SA}`);
      assert.equal(
        get.stderr,
        `Error: failure running port forward process: building port forwarded: failed retrieving: pods "${istiod}" is forbidden: ${forbidden('get', 'pods', 'in the namespace "istio-system"')} in the "istio-system" namespace\n`,
      );
      bind('ps-get', 'istio-system', [{apiGroups: [''], resources: ['pods'], verbs: ['get']}]);
      const upgrade = await h.run(`ps --as ${SA}`);
      assert.equal(
        upgrade.stderr,
        `Error: failure running port forward process: port forward: error upgrading connection: pods "${istiod}" is forbidden: ${forbidden('create', 'pods/portforward', 'in the namespace "istio-system"')}\n`,
      );
      bind('ps-forward', 'istio-system', [{apiGroups: [''], resources: ['pods/portforward'], verbs: ['create']}]);
      const ok = await h.run(`ps --as ${SA}`);
      assert.equal(ok.code, 0, ok.stderr);
      // the proxies come from istiod over XDS: no right to list pods elsewhere is needed
      assert.equal(ok.stdout, (await h.run('ps')).stdout);
      // ztunnel-config goes the same way to a ztunnel's admin port
      const zc = await h.run(`zc workload --as ${SA}`);
      assert.equal(zc.code, 0, zc.stderr);
      assert.equal(zc.stdout, (await h.run('zc workload')).stdout);
    });

    it('x precheck lists the install permissions the user lacks (IST0141, "permission denied")', async () => {
      create('clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: {name: 'bar-view'},
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
        subjects: [{kind: 'ServiceAccount', name: 'bar', namespace: 'foo'}],
      });
      create('clusterroles', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: {name: 'crd-reader'},
        rules: [{apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list']}],
      });
      create('clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: {name: 'bar-crd-reader'},
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'crd-reader'},
        subjects: [{kind: 'ServiceAccount', name: 'bar', namespace: 'foo'}],
      });
      const r = await h.run(`x precheck -o json --as ${SA}`);
      assert.equal(r.code, 1);
      const msgs = JSON.parse(r.stdout) as {code: string; level: string; origin: string; message: string}[];
      assert.deepEqual(
        msgs.map((m) => m.message),
        [
          'clusterrolebindings',
          'clusterroles',
          'configmaps',
          'customresourcedefinitions',
          'deployments',
          'mutatingwebhookconfigurations',
          'namespaces',
          'roles',
          'serviceaccounts',
          'services',
          'validatingwebhookconfigurations',
        ].map((res) => `Missing required permission to create resource ${res} (permission denied)`),
      );
      assert.ok(msgs.every((m) => m.code === 'IST0141' && m.level === 'Error' && m.origin === 'Cluster'));
      assert.equal(JSON.parse((await h.run('x precheck -o json --skip-controlplane')).stdout || '[]').length, 0);
    });
  });

  describe('--kubeclient-timeout', () => {
    it('is parsed with time.ParseDuration when the client is made', async () => {
      const bad = await h.run('proxy-status --kubeclient-timeout 5x');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, 'Error: error parsing kubeclient-timeout: time: unknown unit "x" in duration "5x"\n');
      assert.equal(
        (await h.run('ztunnel-config workload --kubeclient-timeout 15')).stderr,
        'Error: error parsing kubeclient-timeout: time: missing unit in duration "15"\n',
      );
      assert.equal((await h.run('proxy-status --kubeclient-timeout 1m30s')).code, 0);
      // no client, no parse
      assert.equal((await h.run('version --remote=false --kubeclient-timeout nope')).code, 0);
      // version's remote part makes one: getRemoteInfoWrapper prints the error and the client version stands
      const v = await h.run('version --kubeclient-timeout nope');
      assert.equal(v.code, 0);
      assert.equal(v.stdout, `client version: ${V}\n`);
      assert.equal(
        v.stderr,
        'Istio is not present in the cluster: error parsing kubeclient-timeout: time: invalid duration "nope"\n',
      );
    });

    it("--vklog is a klog Level: an int32, or pflag's invalid argument (exit 64)", async () => {
      assert.equal((await h.run('version --remote=false --vklog=9')).code, 0);
      const bad = await h.run('version --remote=false --vklog=loud');
      assert.equal(bad.code, 64);
      assert.equal(
        bad.stderr,
        'Error: invalid argument "loud" for "--vklog" flag: strconv.ParseInt: parsing "loud": invalid syntax\n',
      );
    });

    it('Go ParseDuration: signs, fractions, µs, and its three errors', () => {
      assert.equal(parseGoDuration('1h2m3.5s'), 3723.5e9);
      assert.equal(parseGoDuration('-1.5ms'), -1.5e6);
      assert.equal(parseGoDuration('300µs'), 300e3);
      assert.equal(parseGoDuration('0'), 0);
      assert.equal(parseGoDuration('.5s'), 0.5e9);
      assert.throws(() => parseGoDuration(''), /^Error: time: invalid duration ""$/);
      assert.throws(() => parseGoDuration('.s'), /^Error: time: invalid duration "\.s"$/);
      assert.throws(() => parseGoDuration('1'), /^Error: time: missing unit in duration "1"$/);
      assert.throws(() => parseGoDuration('1d'), /^Error: time: unknown unit "d" in duration "1d"$/);
    });
  });

  describe('proxy-status: the real flags', () => {
    it('--istiod-label and a bool -v are not its flags (cobra usage errors, exit 64)', async () => {
      const label = await h.run('proxy-status --istiod-label app=istiod');
      assert.equal(label.code, 64);
      assert.equal(label.stderr, 'Error: unknown flag: --istiod-label\n');
      const v = await h.run('proxy-status -v');
      assert.equal(v.code, 64);
      assert.equal(v.stderr, "Error: flag needs an argument: 'v' in -v\n");
    });

    it('-n filters the proxies by namespace; -o is kept but PrintAll never reads it; --xds-label picks istiods', async () => {
      const all = await h.run('ps');
      const ztunnels = all.stdout.split('\n').filter((l) => l.includes('.istio-system '));
      assert.equal(ztunnels.length, 3);
      assert.equal(
        (await h.run('ps -n bar-1')).stdout,
        'NAME     CLUSTER     ISTIOD     VERSION     SUBSCRIBED TYPES\n',
      );
      assert.equal((await h.run('ps -n istio-system')).stdout, all.stdout);
      assert.equal((await h.run('ps -o json')).stdout, all.stdout);
      assert.equal(
        (await h.run('ps --xds-label app=istiod --plaintext --insecure --authority x --timeout 5s')).stdout,
        all.stdout,
      );
      const none = await h.run('ps --xds-label app=nothing');
      assert.equal(none.stderr, 'Error: unable to find any Istiod instances\n');
      assert.equal((await h.run('ps -r canary')).stderr, 'Error: unable to find any Istiod instances\n');
      assert.equal((await h.run('ps -v 0')).stdout, all.stdout);
    });

    it('the rows are sorted by proxy ID (<pod>.<namespace>), not by namespace', async () => {
      // a sidecar whose name sorts before the ztunnels while its namespace sorts after istio-system
      create('namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'zz'}});
      const podType = mustType(h.store, 'pods');
      const image = 'docker.io/curlimages/curl:8.16.0';
      create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'aa', namespace: 'zz'},
        spec: {
          containers: [
            {name: 'aa', image, command: ['/bin/sleep', 'infinity']},
            {name: 'istio-proxy', image: `docker.io/istio/proxyv2:${V}`, command: ['/bin/sleep', 'infinity']},
          ],
        },
      });
      await eventually(() => (h.store.get(podType, 'zz', 'aa')?.status as {phase?: string})?.phase === 'Running');
      const ids = (await h.run('ps')).stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]!);
      assert.equal(ids[0], 'aa.zz');
      assert.deepEqual(ids, [...ids].sort());
      h.store.delete(podType, 'zz', 'aa', {gracePeriodSeconds: 0});
      await eventually(() => !h.store.get(podType, 'zz', 'aa'));
    });

    it('what the sandbox cannot do says so', async () => {
      const cases: [string, RegExp][] = [
        [
          'ps --xds-address istiod.example.com:15012',
          /^Error: --xds-address \(an XDS endpoint outside the cluster\) is not simulated/,
        ],
        ['ps --cert-dir /tmp', /^Error: --cert-dir \(XDS client certificates\) is not simulated/],
        ['ps --xds-port 15010', /^Error: --xds-port 15010 \(istiod serves XDS on 15012\) is not simulated/],
        ['ps -v 1', /^Error: --verbosity above 0 \(the sync state of each xDS type\) is not simulated/],
      ];
      for (const [line, want] of cases) {
        const r = await h.run(line);
        assert.equal(r.code, 1, line);
        assert.match(r.stderr, want, line);
      }
    });
  });

  describe('analyze: the real flags', () => {
    const IST0102 = (ns: string) =>
      `Info [IST0102] (Namespace ${ns}) The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns} istio-injection=disabled' to explicitly mark it as not needing injection.`;

    it('--suppress matches <code>=<Kind> <ns>/<name> (the FriendlyName) with * wildcards; an unknown code warns', async () => {
      assert.equal((await h.run('analyze')).stdout, `${IST0102('default')}\n`);
      const s = await h.run('analyze -S "IST0102=Namespace default"');
      assert.equal(s.code, 0);
      assert.equal(s.stdout, '\n');
      assert.equal(s.stderr, '✔ No validation issues found when analyzing namespace: default.\n');
      assert.equal((await h.run('analyze -S "IST0102=Namespace def*"')).stdout, '\n');
      assert.equal((await h.run('analyze -S "IST0102=Namespace *.default"')).stdout, `${IST0102('default')}\n`);
      const unknown = await h.run('analyze -S "IST9999=Namespace default"');
      assert.equal(
        unknown.stderr,
        "Warning: Supplied message code 'IST9999' is an unknown message code and will not have any effect.\n",
      );
      const bad = await h.run('analyze -S IST0102');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, 'Error: IST0102 is not a valid suppression value. See istioctl analyze --help\n');
    });

    it('-o json|yaml (no failure exit code), --color, -R, --analyzer, a threshold that is no level', async () => {
      const json = JSON.parse((await h.run('analyze -o JSON')).stdout) as Record<string, string>[];
      assert.deepEqual(json, [
        {
          code: 'IST0102',
          documentationUrl: 'https://istio.io/v1.29/docs/reference/config/analysis/ist0102/?ref=istioctl-analyze',
          level: 'Info',
          message: IST0102('default').replace(/^.*?\) /, ''),
          origin: 'Namespace default',
        },
      ]);
      assert.equal((await h.run('analyze -o json -S "IST0102=*"')).stdout, '[]\n');
      assert.match(
        (await h.run('analyze -o yaml')).stdout,
        /^- code: IST0102\n {2}documentationUrl: https:\/\/istio\.io\/v1\.29\/docs\/reference\/config\/analysis\/ist0102\/\?ref=istioctl-analyze\n {2}level: Info\n/,
      );
      const badFormat = await h.run('analyze -o table');
      assert.equal(badFormat.code, 64);
      assert.equal(badFormat.stderr, 'Error: table not a valid option for format. See istioctl analyze --help\n');
      assert.equal((await h.run('analyze --color')).stdout, `${IST0102('default').replace('Info', 'Info\x1b[0m')}\n`);
      assert.equal(
        (await h.run('analyze -R')).stdout,
        'The recursive flag has been removed and is hardcoded to true without explicitly specifying it.\n',
      );
      assert.equal((await h.run('analyze --analyzer gateway.ConflictingGatewayAnalyzer')).stdout, '\n');
      assert.equal((await h.run('analyze --analyzer injection.Analyzer')).stdout, `${IST0102('default')}\n`);
      // NamedCombined runs them all when no name is known
      assert.equal((await h.run('analyze --analyzer nothing.Here')).stdout, `${IST0102('default')}\n`);
      const threshold = await h.run('analyze --output-threshold loud');
      assert.equal(threshold.code, 64);
      assert.equal(
        threshold.stderr,
        'Error: invalid argument "loud" for "--output-threshold" flag: invalid level option\n',
      );
      const missing = await h.run('analyze -n nowhere');
      assert.equal(missing.code, 0);
      assert.equal(missing.stderr, 'namespace "nowhere" not found\n');
    });

    it('what the sandbox cannot do says so', async () => {
      for (const line of [
        'analyze -L',
        'analyze -v',
        'analyze --use-kube=false',
        'analyze --meshConfigFile mesh.yaml',
        'analyze --remote-contexts other',
        'analyze a.yaml',
      ]) {
        const r = await h.run(line);
        assert.equal(r.code, 1, line);
        assert.match(r.stderr, /^Error: .* is not simulated in the Ambient Lab sandbox/, line);
      }
    });
  });

  describe('x precheck --from-version', () => {
    it("checkFromVersion's errors, and from 1.21 or before the zipkin Service's tracer change (IST0169)", async () => {
      assert.equal((await h.run('x precheck -f 1')).stderr, "Error: invalid version 1, expected format like '1.0'\n");
      assert.equal((await h.run('x precheck -f 2.0')).stderr, 'Error: expected major version 1, got 2.0\n');
      assert.equal((await h.run('x precheck -f 1.x')).stderr, 'Error: minor version is not a number: x\n');
      assert.equal((await h.run('x precheck --from-version 1.20')).code, 0);
      create('services', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: 'zipkin', namespace: 'istio-system'},
        spec: {ports: [{port: 9411}]},
      });
      assert.equal((await h.run('x precheck --from-version 1.22')).code, 0);
      const r = await h.run('x precheck --from-version 1.20');
      assert.equal(r.code, 1);
      assert.equal(
        r.stdout,
        '\x1b[33mWarning\x1b[0m [IST0169] (Service istio-system/zipkin) The configuration "meshConfig.defaultConfig.tracer" changed in release 1.21: tracing is no longer by default enabled to send to \'zipkin.istio-system.svc\'; follow https://istio.io/latest/docs/tasks/observability/distributed-tracing/telemetry-api/. Or, install with `--set compatibilityVersion=1.21` to retain the old default.\n',
      );
      assert.match(r.stderr, /^Error: Issues found when checking the cluster\./);
      // below the output threshold it is not shown, yet it still fails the check
      const quiet = await h.run('x precheck --from-version 1.20 --output-threshold Error');
      assert.equal(quiet.code, 1);
      assert.match(quiet.stderr, /^✔ No issues found when checking the cluster/);
    });
  });

  describe('version: --short=false, -o, -r', () => {
    it('prints what pkg/version/cobra.go prints for each', async () => {
      const build = (v: string) =>
        `version.BuildInfo{Version:"${v}", GitRevision:"unknown", GolangVersion:"go1.25.4", BuildStatus:"Clean", GitTag:"${v}"}`;
      const long = await h.run('version --short=false');
      const lines = long.stdout.trimEnd().split('\n');
      assert.equal(lines[0], `client version: ${build(V)}`);
      // no coalescing in the long form: each istiod under its `istio` label
      assert.equal(lines[1], `pilot version: ${build(V)}`);
      const ztunnels = lines.filter((l) => l.startsWith('data plane version: version.ProxyInfo{ID:"ztunnel-'));
      assert.equal(ztunnels.length, 3);
      assert.match(
        ztunnels[0]!,
        new RegExp(`\\.istio-system", IstioVersion:"${V.replaceAll('.', '\\.')}", Type:"ztunnel"}$`),
      );
      const json = JSON.parse((await h.run('version -o json')).stdout) as {
        clientVersion: Record<string, string>;
        meshVersion: {Component: string; Revision: string; Info: Record<string, string>}[];
        dataPlaneVersion: {ID: string; IstioVersion: string; Type: string}[];
      };
      assert.deepEqual(Object.keys(json), ['clientVersion', 'meshVersion', 'dataPlaneVersion']);
      assert.deepEqual(Object.keys(json.clientVersion), ['version', 'revision', 'golang_version', 'status', 'tag']);
      assert.equal(json.meshVersion[0]!.Component, 'pilot');
      assert.equal(json.dataPlaneVersion.length, 3);
      const yaml = (await h.run('version -o yaml')).stdout;
      assert.match(
        yaml,
        new RegExp(`^clientVersion:\n {2}golang_version: go1\\.25\\.4\n {2}revision: unknown\n {2}status: Clean\n`),
      );
      assert.match(yaml, /\ndataPlaneVersion:\n- ID: ztunnel-/);
      assert.match(yaml, /\n\n$/);
      const bad = await h.run('version -o table');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, "Error: --output must be 'yaml' or 'json'\n");
      // GetIstioPods with a revision adds istio.io/rev=<revision>; GetProxyInfo finds no istiod either
      const canary = await h.run('version -r canary');
      assert.equal(canary.stdout, `client version: ${V}\n`);
      assert.equal(
        canary.stderr,
        'Istio is not present in the cluster: no running Istio pods in namespace "istio-system"\n',
      );
    });
  });

  describe('waypoint: --name, --for, -n, delete --all/--revision', () => {
    it('generate: no namespace without -n; --for and --name checked as makeGateway checks them', async () => {
      const g = await h.run('waypoint generate --for service');
      assert.equal(
        g.stdout,
        'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  labels:\n    istio.io/waypoint-for: service\n  name: waypoint\n' +
          'spec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n    port: 15008\n    protocol: HBONE\n',
      );
      assert.equal(
        (await h.run('waypoint generate --for pods')).stderr,
        'Error: failed to create gateway: invalid traffic type: pods. Valid options are: [all none service workload]\n',
      );
      assert.equal(
        (await h.run('waypoint generate --name none')).stderr,
        "Error: failed to create gateway: invalid name provided for waypoint, 'none' is a reserved value\n",
      );
      assert.match(
        (await h.run('waypoint generate --name "" -n bar-1')).stdout,
        /\n {2}name: waypoint\n {2}namespace: bar-1\n/,
      );
    });

    it('delete: names or --all/--revision, not both, not neither', async () => {
      assert.equal(
        (await h.run('waypoint delete -n bar-1')).stderr,
        'Error: must specify a waypoint name or delete all using --all or delete specific revision using --revision\n',
      );
      assert.equal(
        (await h.run('waypoint delete -n bar-1 --all wp')).stderr,
        'Error: cannot specify waypoint names when deleting all waypoints\n',
      );
      assert.equal((await h.run('waypoint apply -n bar-1 --name a')).code, 0);
      assert.equal((await h.run('waypoint apply -n bar-1 --name b -r canary')).code, 0);
      assert.equal((await h.run('waypoint delete -n bar-1 -r canary')).stdout, 'waypoint bar-1/b deleted\n');
      assert.equal((await h.run('waypoint delete -n bar-1 --all')).stdout, 'waypoint bar-1/a deleted\n');
    });
  });

  describe('children the sandbox does not run', () => {
    it('parse their real flags, so the answer is that they are not simulated', async () => {
      for (const line of ['pc all --port 80 --type HTTP x', 'pc log --level debug x', 'pc bootstrap -o yaml x']) {
        const r = await h.run(line);
        assert.equal(r.code, 1, line);
        assert.match(r.stderr, /^Error: "istioctl proxy-config \w+" is not simulated/, line);
      }
      const port = await h.run('zc workload --proxy-admin-port 15001');
      assert.match(port.stderr, /^Error: --proxy-admin-port 15001 is not simulated in the Ambient Lab sandbox/);
    });
  });

  describe('uninstall: the real flags (last: it removes the install)', () => {
    it('--set revision=, -r checked against the webhooks, -f and -d not simulated', async () => {
      assert.equal((await h.run('uninstall -r canary -y')).stderr, 'Error: could not find target revision\n');
      for (const line of ['uninstall -f iop.yaml', 'uninstall --purge -d ./manifests'])
        assert.match(
          (await h.run(line)).stderr,
          /^Error: -[fd]\/--\w+ \(.*\) is not simulated in the Ambient Lab sandbox\n$/,
        );
      // a revision given by --set alone passes the Args check
      assert.equal((await h.run('uninstall --set revision=default --dry-run')).code, 0);
    });

    it('-r: the proxies still on the revision and the list with --verbose; --dry-run prunes nothing', async () => {
      const quiet = await h.run('uninstall -r default --dry-run');
      assert.equal(quiet.code, 0, quiet.stderr);
      const head = quiet.stdout.split('Not pruning')[0]!;
      assert.match(
        head,
        /^There are still 3 proxies pointing to the control plane revision default\n(ztunnel-\S+\.istio-system\n){3}If you proceed/,
      );
      assert.doesNotMatch(head, /The following resources will be pruned/);
      const verbose = await h.run('uninstall -r default --dry-run --verbose');
      assert.match(
        verbose.stdout,
        /^The following resources will be pruned from the cluster: (\w+: [^.]+\. )+\nThere are still 3 proxies/,
      );
      assert.ok(listOf(h.store, 'deployments', {namespace: 'istio-system'}).length > 0);
      // with --purge and a revision, the revision is ignored and said so
      const purge = await h.run('uninstall --purge -r default -y');
      assert.equal(purge.code, 0, purge.stderr);
      assert.match(
        purge.stdout,
        /^Purge uninstall will remove all Istio resources, ignoring the specified revision or operator file\nAll Istio resources will be pruned from the cluster\n\n {2}Removed /,
      );
    });
  });

  it('go-glob: the whole subject, * anywhere', () => {
    assert.ok(glob('*', 'anything'));
    assert.ok(glob('Pod *.testing', 'Pod a.testing'));
    assert.ok(!glob('Pod *.testing', 'Pod testing/a'));
    assert.ok(glob('Pod testing/*', 'Pod testing/a'));
    assert.ok(glob('a*b*c', 'a-b-b-c'));
    assert.ok(!glob('a*b*c', 'a-c'));
    assert.ok(!glob('exact', 'exactly'));
  });
});
