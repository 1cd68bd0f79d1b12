import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {ISTIO_ART} from '../../server/backends/sandbox/commands/istioctl/install/istio-art';
import {istioRelease} from '../../server/backends/sandbox/commands/istioctl/istio-release';
import {startIstioHarness, type IstioHarness} from '../fixtures/sandbox-istio/harness';
import {getOf, listOf} from '../../server/backends/sandbox/api/kinds';

// istioctl install / uninstall / version / precheck, driven directly against a sandbox store with the simulated
// k3d cluster (1 server + 2 agents) booted on it. Expected texts: shared/notes/istio-facts.md §2–3.
const V = istioRelease(process.env).version;
const INSTALL = 'install --set profile=ambient --set values.global.platform=k3d';

describe('istioctl install, uninstall, version, precheck', () => {
  let h: IstioHarness;
  before(async () => {
    h = await startIstioHarness();
  });
  after(async () => h?.close());

  it('version before any install: the "not present" line on stderr, the client version on stdout', async () => {
    const r = await h.run('version');
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'Istio is not present in the cluster: no running Istio pods in namespace "istio-system"\n');
    assert.equal(r.stdout, `client version: ${V}\n`);
  });

  it('x precheck on a supported cluster passes', async () => {
    const r = await h.run('x precheck');
    assert.equal(r.code, 0);
    assert.equal(
      r.stderr,
      '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n',
    );
  });

  it('without -y it asks; "n" cancels with exit 1 and creates nothing', async () => {
    const r = await h.run(INSTALL, {input: ['n']});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `This will install the Istio ${V} profile "ambient" into the cluster. Proceed? (y/N) `);
    assert.ok(r.stderr.startsWith(ISTIO_ART), 'the sail comes first');
    assert.ok(r.stderr.endsWith('\nCancelled.\n'));
    assert.equal(getOf(h.store, 'namespaces', undefined, 'istio-system'), undefined);
  });

  it('end of input answers no; an unknown word asks again', async () => {
    assert.equal((await h.run(INSTALL)).code, 1);
    const again = await h.run(INSTALL, {input: ['maybe', 'no']});
    assert.equal(again.code, 1);
    assert.equal(again.stdout.split('Proceed? (y/N) ').length - 1, 2);
  });

  it('"y" installs: the progress lines in the real order and words, the ambient closing line', async () => {
    const r = await h.run(INSTALL, {input: ['y']});
    assert.equal(r.code, 0, r.stderr);
    const done = r.stderr.split('\n').filter((l) => l.startsWith('✔'));
    assert.equal(done[0], '✔ Istio core installed ⛵️');
    assert.deepEqual(done.slice(1, 4).sort(), [
      '✔ CNI installed 🪢',
      '✔ Istiod installed 🧠',
      '✔ Ztunnel installed 🔒',
    ]);
    assert.equal(done[4], '✔ Installation complete');
    assert.ok(
      r.stderr.endsWith(
        '✔ Installation complete\nThe ambient profile has been installed successfully, enjoy Istio without sidecars!\n',
      ),
    );
    // not a terminal: the status line is printed whenever it changes
    assert.match(
      r.stderr,
      /^- Processing resources for CNI, Istiod, Ztunnel\. Waiting for DaemonSet\/istio-system\/istio-cni-node, DaemonSet\/istio-system\/ztunnel, Deployment\/istio-system\/istiod$/m,
    );
  });

  it('creates what the ambient profile creates, with the real names, labels, images and ports', () => {
    const istiod = getOf(h.store, 'deployments', 'istio-system', 'istiod')!;
    const tpl = (
      istiod.spec as {
        template: {metadata: {labels: Record<string, string>}; spec: {containers: {name: string; image: string}[]}};
      }
    ).template;
    assert.equal(tpl.spec.containers[0]!.image, `docker.io/istio/pilot:${V}-distroless`);
    assert.equal(tpl.metadata.labels.app, 'istiod');
    assert.equal(tpl.metadata.labels['istio.io/rev'], 'default');
    const svc = getOf(h.store, 'services', 'istio-system', 'istiod')!;
    assert.deepEqual(
      (svc.spec as {ports: {port: number; name: string}[]}).ports.map((p) => `${p.port}/${p.name}`),
      ['15010/grpc-xds', '15012/https-dns', '443/https-webhook', '15014/http-monitoring'],
    );
    const cni = getOf(h.store, 'daemonsets', 'istio-system', 'istio-cni-node')!;
    const cniSpec = (
      cni.spec as {template: {spec: {containers: {image: string}[]; volumes: {hostPath: {path: string}}[]}}}
    ).template.spec;
    assert.equal(cniSpec.containers[0]!.image, `docker.io/istio/install-cni:${V}-distroless`);
    assert.deepEqual(
      cniSpec.volumes.slice(0, 2).map((v) => v.hostPath.path),
      ['/bin', '/var/lib/rancher/k3s/agent/etc/cni/net.d'],
    );
    const zt = getOf(h.store, 'daemonsets', 'istio-system', 'ztunnel')!;
    assert.equal(
      (zt.spec as {template: {spec: {containers: {name: string; image: string}[]}}}).template.spec.containers[0]!.image,
      `docker.io/istio/ztunnel:${V}`,
    );
    for (const cm of ['istio', 'istio-sidecar-injector', 'istio-cni-config', 'values'])
      assert.ok(getOf(h.store, 'configmaps', 'istio-system', cm), cm);
    assert.ok(getOf(h.store, 'mutatingwebhookconfigurations', undefined, 'istio-sidecar-injector'));
    assert.ok(getOf(h.store, 'validatingwebhookconfigurations', undefined, 'istio-validator-istio-system'));
    const crds = listOf(h.store, 'customresourcedefinitions')
      .map((c) => String(c.metadata.name))
      .filter((n) => n.includes('istio.io'));
    assert.equal(crds.length, 14);
    // the CRDs serve their kinds at once: kubectl get authorizationpolicy / ap works
    assert.deepEqual(h.store.types.byKind('security.istio.io/v1', 'AuthorizationPolicy')?.shortNames, ['ap']);
    assert.equal(
      getOf(h.store, 'deployments', 'istio-system', 'istio-ingressgateway'),
      undefined,
      'ambient has no ingress gateway',
    );
  });

  it('creates the `default` revision tag as WebhooksToDeploy does: its webhook, its Service, the revision webhook deactivated', () => {
    type Hook = {
      name: string;
      clientConfig: {service: {name: string; namespace: string; path: string; port: number}};
      namespaceSelector: unknown;
      objectSelector: unknown;
    };
    const tag = getOf(h.store, 'mutatingwebhookconfigurations', undefined, 'istio-revision-tag-default')!;
    assert.ok(tag, 'istio-revision-tag-default');
    const labels = tag.metadata.labels!;
    for (const [k, v] of Object.entries({
      'istio.io/tag': 'default',
      'istio.io/rev': 'default',
      app: 'sidecar-injector',
      'operator.istio.io/component': 'Pilot',
      'install.operator.istio.io/owning-resource-not-pruned': 'true',
      'operator.istio.io/managed': 'Reconcile',
    }))
      assert.equal(labels[k], v, k);
    const hooks = (tag as unknown as {webhooks: Hook[]}).webhooks;
    assert.deepEqual(
      hooks.map((w) => w.name),
      [
        'rev.namespace.sidecar-injector.istio.io',
        'rev.object.sidecar-injector.istio.io',
        'namespace.sidecar-injector.istio.io',
        'object.sidecar-injector.istio.io',
      ],
    );
    assert.deepEqual(hooks[0]!.clientConfig.service, {
      name: 'istiod',
      namespace: 'istio-system',
      path: '/inject',
      port: 443,
    });
    assert.deepEqual(hooks[2]!.namespaceSelector, {
      matchExpressions: [{key: 'istio-injection', operator: 'In', values: ['enabled']}],
    });
    // the revision's own webhook stays, matching nothing (DeactivateIstioInjectionWebhook)
    const main = getOf(h.store, 'mutatingwebhookconfigurations', undefined, 'istio-sidecar-injector')!;
    assert.equal(main.metadata.labels?.['istio.io/tag'], undefined);
    const never = {matchLabels: {'istio.io/deactivated': 'never-match'}};
    for (const w of (main as unknown as {webhooks: Hook[]}).webhooks) {
      assert.deepEqual(w.namespaceSelector, never, w.name);
      assert.deepEqual(w.objectSelector, never, w.name);
    }
    const svc = getOf(h.store, 'services', 'istio-system', 'istiod-revision-tag-default')!;
    assert.equal(svc.metadata.labels?.['istio.io/tag'], 'default');
    assert.equal(svc.metadata.labels?.app, 'istiod');
    const spec = svc.spec as {selector: Record<string, string>; ports: {port: number; name: string}[]};
    assert.deepEqual(spec.selector, {app: 'istiod', istio: 'pilot'});
    assert.deepEqual(
      spec.ports.map((p) => `${p.port}/${p.name}`),
      ['15010/grpc-xds', '15012/https-dns', '443/https-webhook', '15014/http-monitoring'],
    );
  });

  it('installing again keeps one tag and the revision webhook deactivated; nothing is pruned', async () => {
    const r = await h.run(`${INSTALL} -y`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('Removed'), r.stdout);
    assert.equal(listOf(h.store, 'mutatingwebhookconfigurations', {labelSelector: 'istio.io/tag=default'}).length, 1);
    const main = getOf(h.store, 'mutatingwebhookconfigurations', undefined, 'istio-sidecar-injector')!;
    assert.deepEqual((main as unknown as {webhooks: {objectSelector: unknown}[]}).webhooks[0]!.objectSelector, {
      matchLabels: {'istio.io/deactivated': 'never-match'},
    });
  });

  it('pods come up per node: one istio-cni-node and one ztunnel on each of the 3 nodes', () => {
    const pods = listOf(h.store, 'pods', {namespace: 'istio-system'});
    for (const app of ['ztunnel', 'istio-cni-node']) {
      const nodes = pods
        .filter((p) => String(p.metadata.name).startsWith(`${app}-`))
        .map((p) => (p.spec as {nodeName: string}).nodeName);
      assert.equal(new Set(nodes).size, 3, app);
    }
  });

  it('version after install: control plane and data plane (ztunnels count as proxies)', async () => {
    const r = await h.run('version');
    assert.equal(r.stdout, `client version: ${V}\ncontrol plane version: ${V}\ndata plane version: ${V} (3 proxies)\n`);
    assert.equal((await h.run('version --remote=false')).stdout, `client version: ${V}\n`);
  });

  it("verify-install was removed in 1.24: cobra's unknown command", async () => {
    const r = await h.run('verify-install');
    // sysexits.go GetExitCode: an error saying "unknown command" is ExitIncorrectUsage
    assert.equal(r.code, 64);
    assert.equal(
      r.stderr,
      'Error: unknown command "verify-install" for "istioctl"\nRun \'istioctl --help\' for usage.\n',
    );
    const typo = await h.run('verson');
    assert.equal(
      typo.stderr,
      'Error: unknown command "verson" for "istioctl"\n\nDid you mean this?\n\tversion\n\nRun \'istioctl --help\' for usage.\n',
    );
    const flag = await h.run('install --bogus');
    assert.deepEqual([flag.code, flag.stderr], [64, 'Error: unknown flag: --bogus\n']);
  });

  it('`--set global.platform=k3d` without values. fails as istioctl does', async () => {
    const r = await h.run('install --set profile=ambient --set global.platform=k3d -y');
    assert.equal(r.code, 1);
    assert.ok(r.stderr.endsWith('Error: generate config: could not unmarshal: json: unknown field "global"\n'));
  });

  it('uninstall --purge without -y asks; no keeps everything', async () => {
    const r = await h.run('uninstall --purge', {input: ['no']});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'All Istio resources will be pruned from the cluster\nProceed? (y/N) ');
    assert.equal(r.stderr, 'Cancelled.\n');
    assert.ok(getOf(h.store, 'deployments', 'istio-system', 'istiod'));
  });

  it('uninstall needs --purge (or a revision), then prunes everything incl. the CRDs', async () => {
    assert.match((await h.run('uninstall -y')).stderr, /^Error: at least one of the --revision/);
    const r = await h.run('uninstall --purge -y');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'All Istio resources will be pruned from the cluster');
    assert.equal(lines[1], '');
    assert.ok(lines.includes('  Removed apps/v1, Kind=Deployment/istiod.istio-system.'));
    assert.ok(lines.includes('  Removed apps/v1, Kind=DaemonSet/ztunnel.istio-system.'));
    // the tag's objects in the real order (istioctl-uninstall-purge.txt): by kind, then by name
    const at = (l: string) => lines.indexOf(`  Removed ${l}.`);
    assert.ok(at('/v1, Kind=Service/istiod.istio-system') > 0);
    assert.equal(
      at('/v1, Kind=Service/istiod-revision-tag-default.istio-system'),
      at('/v1, Kind=Service/istiod.istio-system') + 1,
    );
    const mwc = 'admissionregistration.k8s.io/v1, Kind=MutatingWebhookConfiguration';
    assert.ok(at(`${mwc}/istio-revision-tag-default.`) > 0);
    assert.equal(at(`${mwc}/istio-sidecar-injector.`), at(`${mwc}/istio-revision-tag-default.`) + 1);
    assert.ok(
      lines.includes(
        '  Removed apiextensions.k8s.io/v1, Kind=CustomResourceDefinition/authorizationpolicies.security.istio.io..',
      ),
    );
    assert.equal(r.stderr, '✔ Uninstall complete\n');
    assert.equal(
      listOf(h.store, 'customresourcedefinitions').filter((c) => String(c.metadata.name).includes('istio.io')).length,
      0,
    );
    assert.equal(getOf(h.store, 'deployments', 'istio-system', 'istiod'), undefined);
    assert.ok(
      getOf(h.store, 'namespaces', undefined, 'istio-system'),
      'the namespace stays (the docs delete it with kubectl)',
    );
  });

  it('version after uninstall: not present again', async () => {
    const {eventually} = await import('../fixtures/sandbox-istio/harness');
    await eventually(
      () => listOf(h.store, 'pods', {namespace: 'istio-system', labelSelector: 'app=istiod'}).length === 0,
    );
    assert.match((await h.run('version')).stderr, /^Istio is not present in the cluster/);
  });

  it('profile=demo installs istiod with the ingress and egress gateways, no CNI or ztunnel', async () => {
    const r = await h.run('install --set profile=demo -y');
    assert.equal(r.code, 0, r.stderr);
    const done = r.stderr.split('\n').filter((l) => l.startsWith('✔'));
    assert.deepEqual(done.slice(1, 4).sort(), [
      '✔ Egress gateways installed 🛫',
      '✔ Ingress gateways installed 🛬',
      '✔ Istiod installed 🧠',
    ]);
    assert.ok(!r.stderr.includes('enjoy Istio without sidecars'));
    assert.ok(getOf(h.store, 'deployments', 'istio-system', 'istio-egressgateway'));
    assert.equal(getOf(h.store, 'daemonsets', 'istio-system', 'ztunnel'), undefined);
    const img = (
      getOf(h.store, 'deployments', 'istio-system', 'istiod')!.spec as {
        template: {spec: {containers: {image: string}[]}};
      }
    ).template.spec.containers[0]!.image;
    assert.equal(img, `docker.io/istio/pilot:${V}`, 'no distroless variant outside ambient');
  });
});

describe('istioctl against a cluster older than the release supports', () => {
  let h: IstioHarness;
  before(async () => {
    h = await startIstioHarness({boot: false, k3sVersion: 'v1.30.4+k3s1'});
  });
  after(async () => h?.close());
  const release = {version: '1.30.3', minor: '1.30', minK8sMinor: 32, hub: 'docker.io/istio'};

  it('install warns and proceeds (the real UnSupportedK8SVersionLogMsg)', async () => {
    const r = await h.run('install --set profile=minimal -y', {options: {release}});
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stdout.startsWith(
        '\nThe Kubernetes version v1.30.4+k3s1 is not supported by Istio 1.30.3. The minimum supported Kubernetes version is 1.32.\n' +
          'Proceeding with the installation, but you might experience problems. See https://istio.io/latest/docs/releases/supported-releases/ for a list of supported versions.\n',
      ),
    );
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l.startsWith('✔')),
      ['✔ Istio core installed ⛵️', '✔ Istiod installed 🧠', '✔ Installation complete'],
    );
  });

  it('x precheck reports IST0142 on the cluster origin and fails', async () => {
    const r = await h.run('x precheck', {options: {release}});
    assert.equal(r.code, 1);
    // precheck.go prints with formatting.Print(outputMsgs, msgOutputFormat, true): coloured even off a terminal;
    // checkServerVersion's message sits on clusterOrigin, whose FriendlyName is "Cluster"
    assert.equal(
      r.stdout,
      '\x1b[1;31mError\x1b[0m [IST0142] (Cluster) The Kubernetes Version "v1.30.4+k3s1" is lower than the minimum version: 1.32\n',
    );
    assert.match(
      r.stderr,
      /^Error: Issues found when checking the cluster\. Istio may not be safe to install or upgrade\.\nSee https:\/\/istio\.io\/v1\.30\/docs\/reference\/config\/analysis/,
    );
  });
});

describe('istioctl install on a terminal, and reinstalling with another profile', () => {
  let h: IstioHarness;
  before(async () => {
    h = await startIstioHarness({agents: 1});
  });
  after(async () => h?.close());

  it('on a terminal the status line is rewritten in place and the marks are coloured', async () => {
    const r = await h.run('install -y', {tty: true});
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stderr.includes(
        '\r\x1b[K\x1b[33m-\x1b[0m Processing resources for Istio core.\r\x1b[K\x1b[32m✔\x1b[0m Istio core installed ⛵️\n',
      ),
    );
    assert.ok(r.stderr.endsWith('\r\x1b[K\x1b[32m✔\x1b[0m Installation complete\n'));
  });

  it('default → ambient prunes the ingress gateway and adds CNI and ztunnel', async () => {
    const r = await h.run('install --set profile=ambient -y');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^- Pruning removed resources$/m);
    assert.ok(r.stdout.split('\n').includes('  Removed apps/v1, Kind=Deployment/istio-ingressgateway.istio-system.'));
    assert.equal(getOf(h.store, 'deployments', 'istio-system', 'istio-ingressgateway'), undefined);
    assert.ok(getOf(h.store, 'daemonsets', 'istio-system', 'ztunnel'));
  });
});

// the root's persistent flags, as every group's help lists them (istioctl/cmd/root.go, istioctl/pkg/cli/option.go
// AddRootFlags, pkg/log/klog.go at 1.29.6)
const AS_FLAGS =
  '      --as string                   Username to impersonate for the operation. User could be a regular user or a service account in a namespace\n' +
  '      --as-group stringArray        Group to impersonate for the operation, this flag can be repeated to specify multiple groups.\n' +
  '      --as-uid string               UID to impersonate for the operation.\n';
const TIMEOUT_FLAG =
  '      --kubeclient-timeout string   Kubernetes client timeout as a time.Duration string, defaults to 15 seconds. (default "15s")\n';
const GLOBAL_FLAGS =
  'Global Flags:\n' +
  AS_FLAGS +
  '      --context string              Kubernetes configuration context\n' +
  '  -i, --istioNamespace string       Istio system namespace (default "istio-system")\n' +
  TIMEOUT_FLAG +
  '  -c, --kubeconfig string           Kubernetes configuration file\n' +
  '  -n, --namespace string            Kubernetes namespace\n' +
  '      --vklog Level                 number for the log level verbosity. Like -v flag. ex: --vklog=9\n';

describe('istioctl experimental: the group as cobra prints it (istioctl/cmd/root.go, 1.29.6)', () => {
  let h: IstioHarness;
  before(async () => {
    h = await startIstioHarness({boot: false});
  });
  after(async () => h?.close());

  it('x --help, exp and experimental: Short, Usage, Aliases, every real child sorted, Flags, Global Flags', async () => {
    const r = await h.run('x --help');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'Experimental commands that may be modified or deprecated\n\n' +
        'Usage:\n  istioctl experimental [command]\n\n' +
        'Aliases:\n  experimental, x, exp\n\n' +
        'Available Commands:\n' +
        '  authz          Inspect Istio AuthorizationPolicy\n' +
        '  check-inject   Check the injection status or inject-ability of a given resource, explains why it is (or will be) injected or not\n' +
        '  config         Configure istioctl defaults\n' +
        '  describe       Describe resource and related Istio configuration\n' +
        '  envoy-stats    Retrieves Envoy metrics in the specified pod\n' +
        '  injector       List sidecar injector and sidecar versions\n' +
        '  internal-debug Retrieves the debug information of istio\n' +
        '  metrics        Prints the metrics for the specified workload(s) when running in Kubernetes.\n' +
        '  precheck       Check whether Istio can safely be installed or upgraded\n' +
        '  proxy-status   Retrieves the synchronization status of each Envoy in the mesh\n' +
        '  version        Prints out build version information\n' +
        '  workload       Commands to assist in configuring and deploying workloads running on VMs and other non-Kubernetes environments\n\n' +
        'Flags:\n  -h, --help   help for experimental\n\n' +
        GLOBAL_FLAGS +
        '\nUse "istioctl experimental [command] --help" for more information about a command.\n',
    );
    // a group without Run prints its help for no word and for a word that is not a child (cobra's legacyArgs)
    assert.equal((await h.run('exp')).stdout, r.stdout);
    assert.equal((await h.run('experimental bogus')).stdout, r.stdout);
  });

  it('a real child the sandbox does not simulate says so (by name or alias); simulated ones still run', async () => {
    const authz = await h.run('x authz check deploy/productpage');
    assert.equal(authz.code, 1);
    assert.equal(
      authz.stderr,
      'Error: "istioctl experimental authz" is not simulated in the Ambient Lab sandbox (it runs against a real cluster: the host backend).\n',
    );
    assert.match((await h.run('x m productpage')).stderr, /^Error: "istioctl experimental metrics" is not simulated/);
    assert.match((await h.run('x version')).stderr, /^Error: "istioctl experimental version" is not simulated/);
    // describe is a runnable group (istioctl/pkg/describe/describe.go Cmd): pod and service, the sandbox runs pod
    const des = await h.run('x des --help');
    assert.equal(des.code, 0);
    assert.equal(
      des.stdout,
      'Describe resource and related Istio configuration\n\n' +
        'Usage:\n  istioctl experimental describe [flags]\n  istioctl experimental describe [command]\n\n' +
        'Aliases:\n  describe, des\n\n' +
        'Available Commands:\n' +
        '  pod         Describe pods and their Istio configuration [kube-only]\n' +
        '  service     Describe services and their Istio configuration [kube-only]\n\n' +
        'Flags:\n  -h, --help   help for describe\n\n' +
        GLOBAL_FLAGS +
        '\nUse "istioctl experimental describe [command] --help" for more information about a command.\n',
    );
  });

  it('tag: runnable, so its help has both usage lines and the Long text; other words are refused', async () => {
    const r = await h.run('tag');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Command group used to interact with revision tags\. Revision tags allow/);
    assert.match(
      r.stdout,
      /\n\nUsage:\n {2}istioctl tag \[flags\]\n {2}istioctl tag \[command\]\n\nAvailable Commands:\n {2}generate {4}Generate configuration for a revision tag to stdout\n {2}list {8}List existing revision tags\n {2}remove {6}Remove Istio control plane revision tag\n {2}set {9}Create or modify revision tags\n\nFlags:\n {2}-h, --help {3}help for tag\n/,
    );
    const bogus = await h.run('tag bogus');
    assert.equal(bogus.code, 1);
    assert.equal(bogus.stderr, 'Error: unknown subcommand "bogus"\n');
    assert.match(
      (await h.run('tag set prod --revision default')).stderr,
      /^Error: "istioctl tag set" is not simulated/,
    );
    assert.equal((await h.run('tag list x')).stderr, 'Error: tag list command does not accept arguments\n');
  });

  it('the root help pads command names as cobra does: the longest name, then one space', async () => {
    const r = await h.run('--help');
    assert.match(
      r.stdout,
      /\n {2}create-remote-secret Create a secret with credentials to allow Istio to access remote Kubernetes apiservers\n {2}dashboard {12}Access to Istio web UIs\n/,
    );
    // every root flag, the impersonation ones and --kubeclient-timeout included (istioctl/pkg/cli/option.go)
    assert.match(r.stdout, /\n {2}-i, --istioNamespace string {7}Istio system namespace \(default "istio-system"\)\n/);
    assert.ok(r.stdout.includes(`\nFlags:\n${AS_FLAGS}`), r.stdout);
    assert.ok(r.stdout.includes(TIMEOUT_FLAG), r.stdout);
  });
});

// The texts below are written from the 1.29.6 sources, not from our output: istioctl/pkg/waypoint/waypoint.go (Cmd),
// istioctl/pkg/ztunnelconfig/ztunnelconfig.go (ZtunnelConfig), istioctl/pkg/proxyconfig/proxyconfig.go (ProxyConfig),
// laid out by cobra v1.10.2's defaultHelpFunc/defaultUsageFunc (names padded to the longest sibling, at least 11) and
// pflag's FlagUsages (sorted, three spaces after the longest flag column).
describe('istioctl waypoint, ztunnel-config and proxy-config: their group help (1.29.6)', () => {
  let h: IstioHarness;
  before(async () => {
    h = await startIstioHarness({boot: false});
  });
  after(async () => h?.close());

  it('waypoint: runnable, so it prints its help bare and refuses any other word (its Args check)', async () => {
    const r = await h.run('waypoint');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'A group of commands used to manage waypoint configuration\n\n' +
        'Usage:\n  istioctl waypoint [flags]\n  istioctl waypoint [command]\n\n' +
        'Examples:\n' +
        '  # Apply a waypoint to the current namespace\n' +
        '  istioctl waypoint apply\n\n' +
        '  # Generate a waypoint as yaml\n' +
        '  istioctl waypoint generate --namespace default\n\n' +
        '  # List all waypoints in a specific namespace\n' +
        '  istioctl waypoint list --namespace default\n\n' +
        'Available Commands:\n' +
        '  apply       Apply a waypoint configuration\n' +
        '  delete      Delete a waypoint configuration\n' +
        '  generate    Generate a waypoint configuration\n' +
        '  list        List managed waypoint configurations\n' +
        '  status      Show the status of waypoints\n\n' +
        'Flags:\n' +
        '  -h, --help          help for waypoint\n' +
        '      --name string   name of the waypoint (default "waypoint")\n\n' +
        GLOBAL_FLAGS +
        '\nUse "istioctl waypoint [command] --help" for more information about a command.\n',
    );
    assert.equal((await h.run('waypoint --help')).stdout, r.stdout);
    assert.equal((await h.run('waypoint -n foo --name w1')).stdout, r.stdout);
    const bogus = await h.run('waypoint bogus');
    assert.deepEqual([bogus.code, bogus.stdout, bogus.stderr], [1, '', 'Error: unknown subcommand "bogus"\n']);
    // -h wins over the Args check (cobra looks at the help flag first)
    assert.equal((await h.run('waypoint bogus --help')).stdout, r.stdout);
  });

  it('waypoint children are the real ones: no `gen`/`ls` aliases, no --network, status has its 1.29.6 Short', async () => {
    for (const word of ['gen', 'ls']) {
      const r = await h.run(`waypoint ${word}`);
      assert.deepEqual([r.code, r.stderr], [1, `Error: unknown subcommand "${word}"\n`], word);
    }
    assert.equal((await h.run('waypoint apply --network n1')).stderr, 'Error: unknown flag: --network\n');
    assert.match(
      (await h.run('waypoint status --help')).stdout,
      /^Show the status of waypoints in the cluster\n\nUsage:\n/,
    );
  });

  it("a child's help: Long, Examples, its own flags sorted, the group's persistent ones under Global Flags", async () => {
    const apply = await h.run('waypoint apply --help');
    assert.equal(apply.code, 0);
    assert.equal(
      apply.stdout,
      'Apply a waypoint configuration to the cluster\n\n' +
        'Usage:\n  istioctl waypoint apply [flags]\n\n' +
        'Examples:\n' +
        '  # Apply a waypoint to the current namespace\n' +
        '  istioctl waypoint apply\n\n' +
        '  # Apply a waypoint to a specific namespace and wait for it to be ready\n' +
        '  istioctl waypoint apply --namespace default --wait\n\n' +
        'Flags:\n' +
        '      --enroll-namespace            If set, the namespace will be labeled with the waypoint name\n' +
        '      --for string                  Specify the traffic type [all none service workload] for the waypoint\n' +
        '  -h, --help                        help for apply\n' +
        '      --overwrite                   Overwrite the existing Waypoint used by the namespace\n' +
        '  -r, --revision string             The revision to label the waypoint with\n' +
        '  -w, --wait                        Wait for the waypoint to be ready\n' +
        '      --waypoint-timeout duration   Timeout for waiting for waypoint ready (default 1m30s)\n\n' +
        'Global Flags:\n' +
        AS_FLAGS +
        '      --context string              Kubernetes configuration context\n' +
        '  -i, --istioNamespace string       Istio system namespace (default "istio-system")\n' +
        TIMEOUT_FLAG +
        '  -c, --kubeconfig string           Kubernetes configuration file\n' +
        '      --name string                 name of the waypoint (default "waypoint")\n' +
        '  -n, --namespace string            Kubernetes namespace\n' +
        '      --vklog Level                 number for the log level verbosity. Like -v flag. ex: --vklog=9\n',
    );
    // every proxy-config child defines -o again; --proxy-admin-port it inherits
    const cluster = (await h.run('pc cluster --help')).stdout;
    const [flags, global] = cluster.split('Global Flags:\n') as [string, string];
    assert.match(flags, /\n {2}-o, --output string {6}Output format: one of json\|yaml\|short \(default "short"\)\n/);
    assert.match(flags, /\n {2}-f, --file string {8}Envoy config dump JSON file\n/);
    assert.doesNotMatch(flags, /proxy-admin-port/);
    assert.match(global, /\n {6}--proxy-admin-port int {8}Envoy proxy admin port \(default 15000\)\n/);
    // and still parses it, with the group's --name for waypoint's children
    assert.equal(
      (await h.run('pc cluster --proxy-admin-port 15001')).stderr,
      'Error: cluster requires pod name or --file parameter\n',
    );
    assert.match((await h.run('waypoint generate --name w1 -n foo')).stdout, /\n {2}name: w1\n {2}namespace: foo\n/);
  });

  it("zc and pc children's help: Long, their Use, Examples as written (a trailing newline included), their flags", async () => {
    const cert = await h.run('zc certs --help');
    assert.equal(cert.code, 0);
    assert.equal(
      cert.stdout,
      'Retrieve information about certificates for the Ztunnel instance.\n\n' +
        'Usage:\n  istioctl ztunnel-config certificate [flags]\n\n' +
        'Aliases:\n  certificate, certificates, certs, cert\n\n' +
        'Examples:\n' +
        '  # Retrieve summary about workload configuration for a randomly chosen ztunnel.\n' +
        '  istioctl ztunnel-config certificates\n\n' +
        '  # Retrieve full certificate dump of workloads for a given Ztunnel instance.\n' +
        '  istioctl ztunnel-config certificates <ztunnel-name[.namespace]> -o json\n\n\n' +
        'Flags:\n' +
        '  -f, --file string            Ztunnel config dump JSON file\n' +
        '  -h, --help                   help for certificate\n' +
        '      --node string            Filter workloads by node field\n' +
        '  -o, --output string          Output format: one of json|yaml|short (default "short")\n' +
        '      --proxy-admin-port int   Ztunnel proxy admin port (default 15000)\n\n' +
        GLOBAL_FLAGS,
    );
    const secret = await h.run('pc secret -h');
    assert.equal(
      secret.stdout,
      'Retrieve information about secret configuration for the Envoy instance in the specified pod.\n\n' +
        'Usage:\n  istioctl proxy-config secret [<type>/]<name>[.<namespace>] [flags]\n\n' +
        'Aliases:\n  secret, secrets, s\n\n' +
        'Examples:\n' +
        '  # Retrieve full secret configuration for a given pod from Envoy.\n' +
        '  istioctl proxy-config secret <pod-name[.namespace]>\n\n' +
        '  # Retrieve full secret configuration for a pod under a deployment from Envoy.\n' +
        '  istioctl proxy-config secret deployment/<deployment-name[.namespace]>\n\n' +
        '  # Retrieve full bootstrap without using Kubernetes API\n' +
        "  ssh <user@hostname> 'curl localhost:15000/config_dump' > envoy-config.json\n" +
        '  istioctl proxy-config secret --file envoy-config.json\n\n' +
        'Flags:\n' +
        '  -f, --file string     Envoy config dump JSON file\n' +
        '  -h, --help            help for secret\n' +
        '  -o, --output string   Output format: one of json|yaml|short (default "short")\n\n' +
        'Global Flags:\n' +
        AS_FLAGS +
        '      --context string              Kubernetes configuration context\n' +
        '  -i, --istioNamespace string       Istio system namespace (default "istio-system")\n' +
        TIMEOUT_FLAG +
        '  -c, --kubeconfig string           Kubernetes configuration file\n' +
        '  -n, --namespace string            Kubernetes namespace\n' +
        '      --proxy-admin-port int        Envoy proxy admin port (default 15000)\n' +
        '      --vklog Level                 number for the log level verbosity. Like -v flag. ex: --vklog=9\n',
    );
    // a filter of another child is refused, as pflag does
    assert.equal((await h.run('zc certificates --address 10.0.0.1')).stderr, 'Error: unknown flag: --address\n');
  });

  it('ztunnel-config (zc): no Run, so any other word prints the help too; log is real but not simulated', async () => {
    const r = await h.run('zc --help');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'A group of commands used to update or retrieve Ztunnel configuration from a Ztunnel instance.\n\n' +
        'Usage:\n  istioctl ztunnel-config [command]\n\n' +
        'Aliases:\n  ztunnel-config, zc\n\n' +
        'Examples:\n' +
        '  # Retrieve summary about workload configuration\n' +
        '  istioctl ztunnel-config workload\n\n' +
        '  # Retrieve summary about certificates\n' +
        '  istioctl ztunnel-config certificates\n\n' +
        'Available Commands:\n' +
        '  all         Retrieves all configuration for the specified Ztunnel pod.\n' +
        '  certificate Retrieves certificate for the specified Ztunnel pod.\n' +
        '  connections Retrieves connections for the specified Ztunnel pod.\n' +
        '  log         Retrieves logging levels of the Ztunnel instance in the specified pod.\n' +
        '  policy      Retrieves policies for the specified Ztunnel pod.\n' +
        '  service     Retrieves services for the specified Ztunnel pod.\n' +
        '  workload    Retrieves workload configuration for the specified Ztunnel pod.\n\n' +
        'Flags:\n  -h, --help   help for ztunnel-config\n\n' +
        GLOBAL_FLAGS +
        '\nUse "istioctl ztunnel-config [command] --help" for more information about a command.\n',
    );
    for (const line of ['ztunnel-config', 'zc', 'zc bogus']) {
      const other = await h.run(line);
      assert.deepEqual([other.code, other.stdout], [0, r.stdout], line);
    }
    for (const line of ['zc log ztunnel-abcde.istio-system --level debug', 'zc o']) {
      const log = await h.run(line);
      assert.equal(log.code, 1, line);
      assert.equal(
        log.stderr,
        'Error: "istioctl ztunnel-config log" is not simulated in the Ambient Lab sandbox (it runs against a real cluster: the host backend).\n',
      );
    }
  });

  it('proxy-config (pc): no Run, its own -o and --proxy-admin-port; ecds and the hidden eds are real children', async () => {
    const r = await h.run('pc');
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'A group of commands used to retrieve information about proxy configuration from the Envoy config dump\n\n' +
        'Usage:\n  istioctl proxy-config [command]\n\n' +
        'Aliases:\n  proxy-config, pc\n\n' +
        'Examples:\n' +
        '  # Retrieve information about proxy configuration from an Envoy instance.\n' +
        '  istioctl proxy-config <clusters|listeners|routes|endpoints|ecds|bootstrap|log|secret> <pod-name[.namespace]>\n\n' +
        'Available Commands:\n' +
        '  all            Retrieves all configuration for the Envoy in the specified pod\n' +
        '  bootstrap      Retrieves bootstrap configuration for the Envoy in the specified pod\n' +
        '  cluster        Retrieves cluster configuration for the Envoy in the specified pod\n' +
        '  ecds           Retrieves typed extension configuration for the Envoy in the specified pod\n' +
        '  endpoint       Retrieves endpoint configuration for the Envoy in the specified pod\n' +
        '  listener       Retrieves listener configuration for the Envoy in the specified pod\n' +
        '  log            Retrieves logging levels of the Envoy in the specified pod\n' +
        '  rootca-compare Compare ROOTCA values for the two given pods\n' +
        '  route          Retrieves route configuration for the Envoy in the specified pod\n' +
        '  secret         Retrieves secret configuration for the Envoy in the specified pod\n\n' +
        'Flags:\n' +
        '  -h, --help                   help for proxy-config\n' +
        '  -o, --output string          Output format: one of json|yaml|short (default "short")\n' +
        '      --proxy-admin-port int   Envoy proxy admin port (default 15000)\n\n' +
        GLOBAL_FLAGS +
        '\nUse "istioctl proxy-config [command] --help" for more information about a command.\n',
    );
    // envoy-stats lives under experimental (root.go), so below proxy-config it is just another word
    for (const line of ['proxy-config --help', 'pc -o json', 'pc envoy-stats sleep.foo']) {
      const other = await h.run(line);
      assert.deepEqual([other.code, other.stdout], [0, r.stdout], line);
    }
    const eds = await h.run('pc eds sleep.foo');
    assert.equal(eds.code, 1);
    assert.equal(
      eds.stderr,
      'Error: "istioctl proxy-config eds" is not simulated in the Ambient Lab sandbox (it runs against a real cluster: the host backend).\n',
    );
    assert.match((await h.run('pc ec sleep.foo')).stderr, /^Error: "istioctl proxy-config ecds" is not simulated in/);
  });
});

// Written from the 1.29.6 sources, not from our output: operator/cmd/mesh/install.go and root.go (the flag texts),
// pkg/version/cobra.go with istioctl/pkg/version/version.go, istioctl/pkg/analyze/analyze.go, istioctl/cmd/root.go
// (hideInheritedFlags: install hides -n and -i, analyze -i), laid out by cobra v1.10.2's defaultHelpFunc and pflag
// v1.0.10's FlagUsages (a usage's own line breaks indented to the usage column, a trailing one leaving a padded line).
describe('istioctl leaf commands: their help is the real one (1.29.6)', () => {
  let h: IstioHarness;
  const {version, minor} = istioRelease();
  before(async () => {
    h = await startIstioHarness({boot: false});
  });
  after(async () => h?.close());

  const setUsage = (col: string) =>
    'Override an IstioOperator value, e.g. to choose a profile\n' +
    `${col}(--set profile=demo), enable or disable components (--set components.cni.enabled=true), or override Istio\n` +
    `${col}settings (--set meshConfig.enableTracing=true). See documentation for more info:https://istio.io/v${minor}/docs/reference/config/istio.operator.v1alpha1/#IstioOperatorSpec`;

  it('install: Long, Aliases, the Examples with their closing blank line, every flag (-f a StringSlice), no -n/-i', async () => {
    const col = ' '.repeat(37);
    const want =
      'The install command generates an Istio install manifest and applies it to a cluster.\n\n' +
      'Usage:\n  istioctl install [flags]\n\n' +
      'Aliases:\n  install, apply\n\n' +
      'Examples:\n' +
      '  # Apply a default Istio installation\n' +
      '  istioctl install\n\n' +
      '  # Enable Tracing\n' +
      '  istioctl install --set meshConfig.enableTracing=true\n\n' +
      "  # Generate the demo profile and don't wait for confirmation\n" +
      '  istioctl install --set profile=demo --skip-confirmation\n\n' +
      '  # To override a setting that includes dots, escape them with a backslash (\\).  Your shell may require enclosing quotes.\n' +
      '  istioctl install --set "values.sidecarInjectorWebhook.injectedAnnotations.container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/istio-proxy=runtime/default"\n' +
      '\n\n' +
      'Flags:\n' +
      '      --dry-run                      Console/log output only, make no changes.\n' +
      '  -f, --filename strings             Path to file containing IstioOperator custom resource\n' +
      `${col}This flag can be specified multiple times to overlay multiple files. Multiple files are overlaid in left to right order.\n` +
      '      --force                        Proceed even with validation errors.\n' +
      '  -h, --help                         help for install\n' +
      '  -d, --manifests string             Specify a path to a directory of charts and profiles\n' +
      `${col}(e.g. ~/Downloads/istio-${version}/manifests).\n` +
      `${col}\n` +
      '      --readiness-timeout duration   Maximum time to wait for Istio resources in each component to be ready. (default 5m0s)\n' +
      '  -r, --revision string              Target control plane revision for the command.\n' +
      `  -s, --set stringArray              ${setUsage(col)}\n` +
      '  -y, --skip-confirmation            The skipConfirmation determines whether the user is prompted for confirmation.\n' +
      `${col}If set to true, the user is not prompted and a Yes response is assumed in all cases.\n` +
      '      --verify                       Verify the Istio control plane after installation/in-place upgrade\n\n' +
      'Global Flags:\n' +
      AS_FLAGS +
      '      --context string              Kubernetes configuration context\n' +
      TIMEOUT_FLAG +
      '  -c, --kubeconfig string           Kubernetes configuration file\n' +
      '      --vklog Level                 number for the log level verbosity. Like -v flag. ex: --vklog=9\n';
    for (const line of ['install --help', 'install -h', 'apply --help', 'help install']) {
      const r = await h.run(line);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, want, ''], line);
    }
  });

  it('version: Short only, and --short/--remote show no default (Set to true after their false DefValue)', async () => {
    const want =
      'Prints out build version information\n\n' +
      'Usage:\n  istioctl version [flags]\n\n' +
      'Flags:\n' +
      '  -h, --help              help for version\n' +
      "  -o, --output string     One of 'yaml' or 'json'.\n" +
      '      --remote            Use --remote=false to suppress control plane check\n' +
      '  -r, --revision string   Control plane revision\n' +
      '  -s, --short             Use --short=false to generate full version information\n\n' +
      GLOBAL_FLAGS;
    for (const line of ['version --help', 'help version']) assert.equal((await h.run(line)).stdout, want, line);
    // the flags still start true
    assert.match((await h.run('version --remote=false')).stdout, /^client version: /);
  });

  it("analyze: Long with the docs link, Examples, all 17 flags (--color's default follows the terminal), no -i", async () => {
    const want = (color: string) =>
      'Analyze Istio configuration and print validation messages.\n' +
      'For more information about message codes, refer to:\n' +
      `https://istio.io/v${minor}/docs/reference/config/analysis\n\n` +
      'Usage:\n  istioctl analyze <file>... [flags]\n\n' +
      'Examples:\n' +
      '  # Analyze the current live cluster\n' +
      '  istioctl analyze\n\n' +
      '  # Analyze the current live cluster for a specific revision\n' +
      '  istioctl analyze --revision 1-16\n\n' +
      '  # Analyze the current live cluster, simulating the effect of applying additional yaml files\n' +
      '  istioctl analyze a.yaml b.yaml my-app-config/\n\n' +
      '  # Analyze yaml files without connecting to a live cluster\n' +
      '  istioctl analyze --use-kube=false a.yaml b.yaml my-app-config/\n\n' +
      "  # Analyze the current live cluster and suppress PodMissingProxy for pod mypod in namespace 'testing'.\n" +
      '  istioctl analyze -S "IST0103=Pod mypod.testing"\n\n' +
      "  # Analyze the current live cluster and suppress PodMissingProxy for all pods in namespace 'testing',\n" +
      '  # and suppress MisplacedAnnotation on deployment foobar in namespace default.\n' +
      '  istioctl analyze -S "IST0103=Pod *.testing" -S "IST0107=Deployment foobar.default"\n\n' +
      '  # List available analyzers\n' +
      '  istioctl analyze -L\n' +
      '  \n' +
      '  # Run specific analyzer\n' +
      '  istioctl analyze --analyzer "gateway.ConflictingGatewayAnalyzer"\n\n' +
      'Flags:\n' +
      '  -A, --all-namespaces                Analyze all namespaces\n' +
      '      --analyzer stringArray          Select specific analyzers to run. Can be repeated. If not specified, all analyzers are run. (e.g. istioctl analyze --analyzer "gateway.ConflictingGatewayAnalyzer")\n' +
      `      --color                         Default true.  Disable with '=false' or set $TERM to dumb${color}\n` +
      '      --failure-threshold Level       The severity level of analysis at which to set a non-zero exit code. Valid values: [Info Warning Error] (default Error)\n' +
      '  -h, --help                          help for analyze\n' +
      "      --ignore-unknown                Don't complain about un-parseable input documents, for cases where analyze should run only on k8s compliant inputs.\n" +
      '  -L, --list-analyzers                List the analyzers available to run. Suppresses normal execution.\n' +
      '      --meshConfigFile string         Overrides the mesh config values to use for analysis.\n' +
      '  -o, --output string                 Output format: one of [log json yaml] (default "log")\n' +
      '      --output-threshold Level        The severity level of analysis at which to display messages. Valid values: [Info Warning Error] (default Info)\n' +
      '  -R, --recursive                     [Removed: The recursive flag has been removed and is hardcoded to true] Process directory arguments recursively.\n' +
      "      --remote-contexts stringArray   Kubernetes configuration contexts for remote clusters to be used in multi-cluster analysis. Not to be confused with '--context'. If unspecified, contexts are read from the remote secrets in the cluster.\n" +
      '  -r, --revision string               analyze a specific revision deployed. (default "default")\n' +
      `  -S, --suppress stringArray          Suppress reporting a message code on a specific resource. Values are supplied in the form <code>=<resource> (e.g. '--suppress "IST0102=DestinationRule primary-dr.default"'). Can be repeated. You can include the wildcard character '*' to support a partial match (e.g. '--suppress "IST0102=DestinationRule *.default" ).\n` +
      '      --timeout duration              The duration to wait before failing (default 30s)\n' +
      '  -k, --use-kube                      Use live Kubernetes cluster for analysis. Set --use-kube=false to analyze files only. (default true)\n' +
      '  -v, --verbose                       Enable verbose output\n\n' +
      'Global Flags:\n' +
      AS_FLAGS +
      '      --context string              Kubernetes configuration context\n' +
      TIMEOUT_FLAG +
      '  -c, --kubeconfig string           Kubernetes configuration file\n' +
      '  -n, --namespace string            Kubernetes namespace\n' +
      '      --vklog Level                 number for the log level verbosity. Like -v flag. ex: --vklog=9\n';
    assert.equal((await h.run('analyze --help')).stdout, want(''));
    assert.equal((await h.run('help analyze')).stdout, want(''));
    assert.equal((await h.run('analyze -h', {tty: true})).stdout, want(' (default true)'));
  });

  it("uninstall keeps every root flag; its example keeps upstream's line of two spaces", async () => {
    const out = (await h.run('uninstall --help')).stdout;
    assert.match(
      out,
      /^The uninstall command uninstalls Istio from a cluster\n\nUsage:\n {2}istioctl uninstall \[flags\]\n\n/,
    );
    assert.ok(out.includes('  istioctl uninstall -f iop.yaml\n  \n  # Uninstall all control planes'), out);
    assert.ok(out.endsWith(GLOBAL_FLAGS), out);
  });

  it('proxy-status: its Long starts with a blank line; the xDS flags are listed, -v is --verbosity', async () => {
    const out = (await h.run('ps --help')).stdout;
    assert.match(
      out,
      /^\nRetrieves last sent and last acknowledged xDS sync from Istiod to each Envoy in the mesh\n\nUsage:\n/,
    );
    assert.match(out, /\n {2}-v, --verbosity int {10}Verbosity level for proxy status output\. 0=default/);
    assert.match(out, /\n {6}--xds-port int {11}Istiod pod port \(default 15012\)\n/);
  });

  it('x describe pod (alias po) and x describe service print their own help, the group help otherwise', async () => {
    const pod = (await h.run('x describe pod --help')).stdout;
    assert.equal((await h.run('x des po -h')).stdout, pod);
    assert.equal((await h.run('help x describe pod')).stdout, pod);
    assert.match(
      pod,
      /^Analyzes pod, its Services, DestinationRules, and VirtualServices and reports\nthe configuration objects that affect that pod\.\n\nTHIS COMMAND IS UNDER ACTIVE DEVELOPMENT AND NOT READY FOR PRODUCTION USE\.\n\nUsage:\n {2}istioctl experimental describe pod <pod-name>\[\.<namespace>\] \[flags\]\n\nAliases:\n {2}pod, po\n/,
    );
    assert.match(pod, /\n {2}# Pod query with explicit namespace \n/);
    assert.match(
      (await h.run('x describe svc --help')).stdout,
      /\n {2}istioctl experimental describe service productpage\n/,
    );
  });

  it('help with words that name no command: Unknown help topic and the root usage, on stderr', async () => {
    const r = await h.run('help bogus more');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^Unknown help topic \[`bogus` `more`\]\nUsage:\n {2}istioctl \[command\]\n\nAvailable Commands:\n/,
    );
    // cobra's own help command (command.go InitDefaultHelpCmd)
    assert.equal(
      (await h.run('help --help')).stdout,
      'Help provides help for any command in the application.\n' +
        'Simply type istioctl help [path to command] for full details.\n\n' +
        'Usage:\n  istioctl help [command] [flags]\n\n' +
        'Flags:\n  -h, --help   help for help\n\n' +
        GLOBAL_FLAGS,
    );
  });

  it('every leaf command has Examples where upstream has them (all but version); -h and help <cmd> agree', async () => {
    const {ISTIOCTL_COMMANDS} = await import('../../server/backends/sandbox/commands/istioctl/subcommands');
    // a command the sandbox runs as one (x describe) stands for its real leaves (pod, service)
    const leaves = ISTIOCTL_COMMANDS.flatMap((c) => (c.helpGroup ? c.helpGroup.children : [c]).map((l) => l.path));
    assert.ok(leaves.length >= 30, String(leaves.length));
    for (const path of leaves) {
      const words = path.join(' ');
      const out = (await h.run(`${words} --help`)).stdout;
      const examples = /\nExamples:\n(.+)\n/.exec(out)?.[1];
      if (words === 'version') assert.equal(examples, undefined, words);
      else assert.ok(examples?.trim(), `${words}: no Examples\n${out}`);
      assert.equal((await h.run(`${words} -h`)).stdout, out, words);
      assert.equal((await h.run(`help ${words}`)).stdout, out, words);
    }
  });

  it('every leaf command parses exactly the flags its real help lists: same names, shorthands and types', async () => {
    const {ISTIOCTL_COMMANDS} = await import('../../server/backends/sandbox/commands/istioctl/subcommands');
    const env = {release: istioRelease(), stdoutTTY: false};
    const sig = (f: {name: string; short?: string; type: string}) => `${f.short ?? ''}/${f.name}:${f.type}`;
    for (const c of ISTIOCTL_COMMANDS) {
      const listed = (c.helpFlags?.(env) ?? c.flags).map(sig).sort();
      assert.deepEqual(c.flags.map(sig).sort(), listed, c.path.join(' '));
    }
  });
});
