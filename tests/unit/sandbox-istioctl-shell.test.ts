import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {istioRelease} from '../../server/backends/sandbox/commands/istioctl/istio-release';
import {NO_KUBECTL, rows, startBackend, type BackendHarness} from '../fixtures/sandbox-backend/harness';

// The sandbox's istioctl as a learner meets it: a real bash, our shims first on PATH, the real kubectl reading
// what istioctl created. The walkthrough's commands (shared/reference/istio-ambient-k3d.ko.md) with -y added.
const L = 'istio1';
const V = istioRelease(process.env).version;
const INSTALL = 'istioctl install --set profile=ambient --set values.global.platform=k3d';

describe('istioctl in the sandbox shell', {skip: NO_KUBECTL}, () => {
  let h: BackendHarness;
  const sh = (line: string, input?: string) => h.sh(L, line, {input, timeoutMs: 25_000});

  before(async () => {
    h = await startBackend();
  });
  after(async () => h?.close());

  it('before a cluster exists: the client version, and install fails to connect', async () => {
    const v = await sh('istioctl version --remote=false');
    assert.equal(v.stdout, `client version: ${V}\n`);
    const r = await sh(`${INSTALL} -y`);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Error: Get "http:\/\/localhost:8080\/version\?timeout=5s": dial tcp 127\.0\.0\.1:8080: connect: connection refused$/m,
    );
  });

  it("the pinned download: istio.io's downloader leaves istio-<version>/bin/istioctl, and it is the sandbox's", async () => {
    const r = await sh(
      `cd "$(mktemp -d)" && curl -sL https://istio.io/downloadIstio | ISTIO_VERSION=${V} sh - && ` +
        `export PATH="$PWD/istio-${V}/bin:$PATH" && type -p istioctl && istioctl version --remote=false`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Downloading istio-${V} from https://github\\.com/istio/istio/releases/download/${V}/istio-${V}-linux-(amd|arm)64\\.tar\\.gz \\.\\.\\.$`,
        'm',
      ),
    );
    assert.match(r.stdout, new RegExp(`^Istio ${V} download complete!$`, 'm'));
    assert.match(r.stdout, new RegExp(`/istio-${V}/bin/istioctl\nclient version: ${V}\n$`));
  });

  it('after k3d cluster create: the y/N question answered on stdin, "N" cancels', async () => {
    const c = await sh("k3d cluster create ambient --agents 2 --k3s-arg '--disable=traefik@server:*'");
    assert.equal(c.code, 0, c.stderr);
    const r = await sh(INSTALL, 'N\n');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `This will install the Istio ${V} profile "ambient" into the cluster. Proceed? (y/N) `);
    assert.match(r.stderr, /\nCancelled\.\n$/);
    assert.equal((await sh('kubectl get ns istio-system')).code, 1);
  });

  it('"y" installs, and kubectl sees one istio-cni-node and one ztunnel per node plus istiod, all Running', async () => {
    const r = await sh(INSTALL, 'y\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /✔ Installation complete\nThe ambient profile has been installed successfully, enjoy Istio without sidecars!\n$/,
    );
    const get = await sh('kubectl get pods,daemonset -n istio-system');
    assert.equal(get.code, 0, get.stderr);
    const t = rows(get.stdout);
    const pods = t.filter((x) => x[0]!.startsWith('pod/'));
    assert.equal(pods.filter((p) => p[0]!.startsWith('pod/istio-cni-node-')).length, 3);
    assert.equal(pods.filter((p) => p[0]!.startsWith('pod/ztunnel-')).length, 3);
    assert.equal(pods.filter((p) => p[0]!.startsWith('pod/istiod-')).length, 1);
    assert.ok(
      pods.every((p) => p[1] === '1/1' && p[2] === 'Running'),
      get.stdout,
    );
    assert.deepEqual(t.find((x) => x[0] === 'daemonset.apps/ztunnel')?.slice(1, 7), [
      '3',
      '3',
      '3',
      '3',
      '3',
      'kubernetes.io/os=linux',
    ]);
  });

  it('kubectl get crd lists the 14 Istio CRDs; their kinds answer by name and short name', async () => {
    const crds = await sh('kubectl get crd | grep istio.io | wc -l');
    assert.equal(crds.stdout.trim(), '14');
    const ap = await sh('kubectl get authorizationpolicy -A; kubectl get ap -n default');
    assert.equal(ap.code, 0, ap.stderr);
    assert.match(ap.stderr, /No resources found/);
    const svc = await sh("kubectl get svc istiod -n istio-system -o jsonpath='{.spec.ports[*].port}'");
    assert.equal(svc.stdout, '15010 15012 443 15014');
  });

  it('the default revision tag: kubectl lists its webhook and Service; a labelled namespace gets one sidecar', async () => {
    const mwc = await sh('kubectl get mutatingwebhookconfigurations');
    assert.equal(mwc.code, 0, mwc.stderr);
    assert.deepEqual(
      rows(mwc.stdout).map((r) => r.slice(0, 2)),
      [
        ['NAME', 'WEBHOOKS'],
        ['istio-revision-tag-default', '4'],
        ['istio-sidecar-injector', '4'],
      ],
    );
    const tag = await sh(
      "kubectl get svc istiod-revision-tag-default -n istio-system -o jsonpath='{.metadata.labels.istio\\.io/tag} {.spec.selector} {.spec.ports[*].port}'",
    );
    assert.equal(tag.stdout, 'default {"app":"istiod","istio":"pilot"} 15010 15012 443 15014', tag.stderr);
    // istioctl tag list reads the same objects (tag.go listTags: Go's tabwriter, padding 1)
    assert.equal((await sh('istioctl tag list')).stdout, 'TAG     REVISION NAMESPACES\ndefault default  \n');
    assert.equal((await sh('kubectl create ns revns && kubectl label ns revns istio.io/rev=default')).code, 0);
    assert.equal((await sh('istioctl tag list')).stdout, 'TAG     REVISION NAMESPACES\ndefault default  revns\n');
    // istio.io/rev=default: the tag's `rev.namespace.` webhook injects there too
    const rev = await sh(
      "kubectl run r -n revns --image=curlimages/curl -- sleep infinity >/dev/null && kubectl get pod r -n revns -o jsonpath='{.spec.containers[*].name}'",
    );
    assert.equal(rev.stdout, 'r istio-proxy', rev.stderr);
    assert.equal((await sh('kubectl delete ns revns --wait=false')).code, 0);
    // istio-injection=enabled: only the tag's `namespace.` webhook selects it, the revision's matches nothing
    const run = await sh(
      'kubectl create ns inj && kubectl label ns inj istio-injection=enabled && ' +
        "kubectl run c -n inj --image=curlimages/curl -- sleep infinity >/dev/null && kubectl get pod c -n inj -o jsonpath='{.spec.containers[*].name}'",
    );
    assert.equal(run.stdout.split('\n').pop(), 'c istio-proxy', run.stderr);
    // without the tag's webhook nothing calls the injector any more
    const off = await sh(
      'kubectl delete mutatingwebhookconfiguration istio-revision-tag-default >/dev/null && ' +
        "kubectl run d -n inj --image=curlimages/curl -- sleep infinity >/dev/null && kubectl get pod d -n inj -o jsonpath='{.spec.containers[*].name}'",
    );
    assert.equal(off.stdout, 'd', off.stderr);
    // istioctl install puts it back
    assert.equal((await sh(`${INSTALL} -y`)).code, 0);
    assert.equal((await sh('kubectl get mutatingwebhookconfiguration istio-revision-tag-default -o name')).code, 0);
    // the pods go before the next test counts proxies (`sleep infinity` ignores SIGTERM: without --now each would
    // keep its sidecar, and istioctl's count, for its 30 s grace period)
    assert.equal(
      (await sh('kubectl delete pod --all -n revns --now && kubectl delete pod --all -n inj --now')).code,
      0,
    );
    assert.equal((await sh('kubectl delete ns inj --wait=false')).code, 0);
  });

  it('istioctl version counts the ztunnels; verify-install is gone', async () => {
    assert.equal(
      (await sh('istioctl version')).stdout,
      `client version: ${V}\ncontrol plane version: ${V}\ndata plane version: ${V} (3 proxies)\n`,
    );
    const vi = await sh('istioctl verify-install');
    assert.equal(vi.code, 64);
    assert.equal(
      vi.stderr,
      'Error: unknown command "verify-install" for "istioctl"\nRun \'istioctl --help\' for usage.\n',
    );
  });

  it('waypoint generate | kubectl apply, and waypoint apply --enroll-namespace labels the namespace', async () => {
    assert.equal(
      (
        await sh(
          'kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.0/standard-install.yaml >/dev/null',
        )
      ).code,
      0,
    );
    // v1.4.0 moved BackendTLSPolicy to the standard channel: six CRDs
    const crds = await sh('kubectl get crd -o name | grep gateway.networking.k8s.io');
    assert.deepEqual(crds.stdout.trim().split('\n'), [
      'customresourcedefinition.apiextensions.k8s.io/backendtlspolicies.gateway.networking.k8s.io',
      'customresourcedefinition.apiextensions.k8s.io/gatewayclasses.gateway.networking.k8s.io',
      'customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io',
      'customresourcedefinition.apiextensions.k8s.io/grpcroutes.gateway.networking.k8s.io',
      'customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io',
      'customresourcedefinition.apiextensions.k8s.io/referencegrants.gateway.networking.k8s.io',
    ]);
    assert.equal(
      (await sh('kubectl create namespace bar-2 && kubectl label namespace bar-2 istio.io/dataplane-mode=ambient'))
        .code,
      0,
    );
    const gen = await sh('istioctl waypoint generate --for service -n bar-2 | kubectl apply -f -');
    assert.equal(gen.stdout, 'gateway.gateway.networking.k8s.io/waypoint created\n', gen.stderr);
    const r = await sh('istioctl waypoint apply -n bar-2 --enroll-namespace');
    assert.equal(
      r.stdout,
      '✅ waypoint bar-2/waypoint applied\n✅ namespace bar-2 labeled with "istio.io/use-waypoint: waypoint"\n',
      r.stderr,
    );
    const label = await sh("kubectl get ns bar-2 -o jsonpath='{.metadata.labels.istio\\.io/use-waypoint}'");
    assert.equal(label.stdout, 'waypoint');
    const gw = await sh(
      "kubectl get gateways.gateway.networking.k8s.io waypoint -n bar-2 -o jsonpath='{.spec.gatewayClassName} {.metadata.labels.istio\\.io/waypoint-for}'",
    );
    assert.equal(gw.stdout, 'istio-waypoint service');
  });

  it('uninstall --purge -y removes it all; version says Istio is not present', async () => {
    const r = await sh('istioctl uninstall --purge -y');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✔ Uninstall complete\n$/);
    assert.equal((await sh('kubectl get crd | grep -c istio.io')).stdout.trim(), '0');
    assert.equal(
      (await sh('kubectl get deploy,ds -n istio-system')).stderr,
      'No resources found in istio-system namespace.\n',
    );
    for (let i = 0; i < 100; i++) {
      const v = await sh('istioctl version');
      if (v.stderr.startsWith('Istio is not present')) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('istiod pods never went away');
  });
});
