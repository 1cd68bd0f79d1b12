/**
 * The sandbox states the real transcripts need, each built by a list of commands run in one learner's shell:
 *
 * - `walkthrough`: every step of the English walkthrough, in page order, as the pages run them (verify commands
 *   are retried until their checks hold, as the lab does). Labels are `page/step-id`.
 * - the others rebuild the situation a public transcript was recorded in (a cluster name, a namespace, a sample),
 *   with the same commands where the sandbox can run them. Labels are their own.
 */
import {evaluateChecks} from '../../src/core/steps/checks';
import type {VerifySpec} from '../../src/core/steps/types';
import {repoManifests} from '../fixtures/site-manifests';
import type {ScenarioShell} from './scenario-shell';

export interface ScenarioStep {
  label: string;
  command: string;
  verify?: VerifySpec;
}

/**
 * Walkthrough pages and steps left out, to keep the test fast: no transcript is attached to them and no later step
 * reads what they do (the lab's own shell checks, Argo CD and Argo Rollouts in their own namespaces, and the loops
 * that only count helloworld's answers). The ingress page is left out because it publishes host port 9080, which other
 * test files running at the same time publish too (k3d's `-p 9080:80@loadbalancer`): its path is tested on a free
 * port by sandbox-mesh-ingress.test.ts and end to end by the Playwright walkthrough.
 */
export const WALKTHROUGH_SKIPPED: ReadonlySet<string> = new Set([
  'before-you-begin',
  'argo',
  'ingress-gateway',
  'traffic-waypoint/helloworld-versions',
  'traffic-waypoint/route-jason',
  'traffic-waypoint/route-default',
]);

async function walkthrough(): Promise<ScenarioStep[]> {
  const manifests = await repoManifests();
  return manifests
    .pages('en')
    .filter((page) => !WALKTHROUGH_SKIPPED.has(page.pageId))
    .flatMap((page) =>
      page.steps
        .filter((step) => !WALKTHROUGH_SKIPPED.has(`${page.pageId}/${step.id}`))
        .map((step) => ({label: `${page.pageId}/${step.id}`, command: step.command, verify: step.verify})),
    );
}

/** a ServiceAccount, a Service and a one-replica Deployment of the same name, as Istio's samples write them */
interface Sample {
  name: string;
  namespace?: string;
  image: string;
  port: number;
  targetPort?: number;
  command?: string;
}

function sample(o: Sample): string {
  const ns = o.namespace ? ` -n ${o.namespace}` : '';
  const command = o.command ? `\n        command: ${o.command}` : '';
  return `kubectl apply${ns} -f - <<'EOF'
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${o.name}
---
apiVersion: v1
kind: Service
metadata:
  name: ${o.name}
  labels:
    app: ${o.name}
    service: ${o.name}
spec:
  ports:
  - name: http
    port: ${o.port}
    targetPort: ${o.targetPort ?? o.port}
  selector:
    app: ${o.name}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${o.name}
  template:
    metadata:
      labels:
        app: ${o.name}
    spec:
      terminationGracePeriodSeconds: 0
      serviceAccountName: ${o.name}
      containers:
      - name: ${o.name}
        image: ${o.image}${command}
        imagePullPolicy: IfNotPresent
EOF`;
}

const CURL_IMAGE = 'docker.io/curlimages/curl:8.16.0';
const HTTPBIN_IMAGE = 'docker.io/mccutchen/go-httpbin:v2.15.0';
const SLEEP = '["/bin/sleep", "infinity"]';

/** an ALLOW AuthorizationPolicy: for Pods by label (ztunnel) or for a Service (its waypoint), from some principals */
interface Allow {
  name: string;
  namespace: string;
  /** Pods by their app label: enforced by ztunnel */
  app?: string;
  /** a Service: enforced by its waypoint */
  service?: string;
  from: string[];
  methods?: string[];
}

function allow(o: Allow): string {
  const target = o.service
    ? `  targetRefs:\n  - kind: Service\n    group: ""\n    name: ${o.service}`
    : `  selector:\n    matchLabels:\n      app: ${o.app}`;
  const principals = o.from.map((p) => `        - ${p}`).join('\n');
  const to = o.methods ? `\n    to:\n    - operation:\n        methods: ${JSON.stringify(o.methods)}` : '';
  return `kubectl apply -f - <<'EOF'
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${o.name}
  namespace: ${o.namespace}
spec:
${target}
  action: ALLOW
  rules:
  - from:
    - source:
        principals:
${principals}${to}
EOF`;
}

const verifyExit = (command: string, exitCode: number): VerifySpec => ({
  command,
  exitCode,
  expect: [],
  timeoutMs: 30_000,
});
const verifyContains = (command: string, text: string): VerifySpec => ({
  command,
  exitCode: 0,
  expect: [{kind: 'contains', pattern: text}],
  timeoutMs: 30_000,
});

const GATEWAY_API_V1_3 =
  'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml';
const DEFAULT_SA = (name: string) => `cluster.local/ns/default/sa/${name}`;
/** the host port of the ingress-task scenario's load balancer */
export const INGRESS_TASK_PORT = 19380;

export const SCENARIOS: Record<string, () => Promise<ScenarioStep[]>> = {
  walkthrough,
  /** k3d's own demo recording (docs/static/asciicast/20210917_k3d_v5.0.0_01.cast): a cluster `demo`, 3 agents */
  'k3d-demo': async () => [
    {label: 'version', command: 'k3d version'},
    {label: 'create', command: 'k3d cluster create --agents 3 demo'},
    {
      label: 'ready',
      // nodes Ready, then kube-system's long-running pods (the helm-install Jobs' pods complete, never Ready): the
      // settled state the known differences describe, however slow the machine running the test is
      command: [
        'kubectl wait --for=condition=Ready nodes --all --timeout=2m >/dev/null &&',
        "kubectl wait -n kube-system --for=condition=Ready pod -l '!job-name' --timeout=2m >/dev/null",
      ].join(' '),
    },
  ],
  /**
   * istio.io's ambient getting-started on a single-server k3d cluster (the default name, k3s-default): Istio
   * ambient with the k3d platform, the Gateway API CRDs, the default namespace in ambient mode with the curl and
   * httpbin samples, an L4 policy, a waypoint and an L7 policy; then a second waypoint (istio.io's
   * reviews-svc-waypoint) and a namespace `starfleet` with a client `shuttle`, an httpbin `probe:8000` and its own
   * waypoint, as in the transcript of its waypoint's access log; last, the getting-started's ingress Gateway.
   */
  'istio-default': async () => [
    {
      label: 'cluster',
      command:
        'k3d cluster create >/dev/null 2>&1 && kubectl wait --for=condition=Ready nodes --all --timeout=2m >/dev/null',
    },
    {label: 'version-before', command: 'istioctl version'},
    {label: 'crds', command: `kubectl apply -f ${GATEWAY_API_V1_3}`},
    {
      label: 'install',
      command: [
        'istioctl install --set profile=ambient --set values.global.platform=k3d',
        '--set meshConfig.accessLogFile=/dev/stdout --skip-confirmation',
      ].join(' '),
    },
    {label: 'label-default', command: 'kubectl label namespace default istio.io/dataplane-mode=ambient'},
    {
      label: 'apps',
      command: [
        sample({name: 'curl', image: CURL_IMAGE, port: 80, command: SLEEP}),
        sample({name: 'httpbin', image: HTTPBIN_IMAGE, port: 8000, targetPort: 8080}),
        'kubectl wait --for=condition=Available deployment/curl deployment/httpbin --timeout=2m',
      ].join('\n'),
    },
    {
      label: 'l4-policy',
      command: allow({
        name: 'httpbin-ztunnel',
        namespace: 'default',
        app: 'httpbin',
        from: [DEFAULT_SA('bookinfo-gateway-istio')],
      }),
      verify: verifyExit('kubectl exec deploy/curl -- curl -s -o /dev/null http://httpbin:8000/get', 56),
    },
    {label: 'waypoint', command: 'istioctl waypoint apply --enroll-namespace --wait'},
    {
      label: 'l7-policy',
      command: [
        allow({
          name: 'httpbin-ztunnel',
          namespace: 'default',
          app: 'httpbin',
          from: [DEFAULT_SA('bookinfo-gateway-istio'), DEFAULT_SA('waypoint')],
        }),
        allow({
          name: 'httpbin-waypoint',
          namespace: 'default',
          service: 'httpbin',
          from: [DEFAULT_SA('curl')],
          methods: ['GET'],
        }),
      ].join('\n'),
      verify: verifyContains(
        'kubectl exec deploy/curl -- curl -s http://httpbin:8000/get -X DELETE',
        'RBAC: access denied',
      ),
    },
    {
      label: 'reviews-waypoint',
      command: [
        'istioctl waypoint apply -n default --name reviews-svc-waypoint --wait &&',
        'kubectl wait --for=condition=Ready pod -l gateway.networking.k8s.io/gateway-name=reviews-svc-waypoint --timeout=2m',
      ].join(' '),
    },
    {
      label: 'starfleet',
      command: [
        'kubectl create namespace starfleet && kubectl label namespace starfleet istio.io/dataplane-mode=ambient',
        sample({name: 'shuttle', namespace: 'starfleet', image: CURL_IMAGE, port: 80, command: SLEEP}),
        sample({name: 'probe', namespace: 'starfleet', image: HTTPBIN_IMAGE, port: 8000, targetPort: 8080}),
        'istioctl waypoint apply -n starfleet --enroll-namespace --wait',
        allow({
          name: 'probe-get',
          namespace: 'starfleet',
          service: 'probe',
          from: ['cluster.local/ns/starfleet/sa/shuttle'],
          methods: ['GET'],
        }),
        'kubectl wait -n starfleet --for=condition=Available deployment/shuttle deployment/probe --timeout=2m',
      ].join('\n'),
      verify: verifyContains(
        'kubectl exec -n starfleet deploy/shuttle -- curl -s -X POST http://probe:8000/anything',
        'RBAC: access denied',
      ),
    },
    {
      // istio.io's ambient getting-started deploys its ingress Gateway (bookinfo-gateway.yaml) and annotates it ClusterIP
      label: 'ingress',
      command: [
        `kubectl apply -f - <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
EOF`,
        'kubectl annotate gateway bookinfo-gateway networking.istio.io/service-type=ClusterIP',
        'kubectl wait --for=condition=programmed gtw/bookinfo-gateway --timeout=2m',
      ].join('\n'),
    },
  ],
  /**
   * istio.io's ingress task (Gateway API variant): httpbin behind a Gateway `httpbin-gateway` for the host
   * httpbin.example.com, /status and /delay routed to it, called from this machine through k3d's load balancer. The
   * port is an unusual one so that no other test file publishing ports at the same time holds it (the walkthrough's
   * 9080 is left out for that reason, see WALKTHROUGH_SKIPPED).
   */
  'ingress-task': async () => [
    {
      label: 'cluster',
      command: [
        // k3d's output is kept for the diagnosis of a later verify (a host port something else holds is a WARN)
        `k3d cluster create -p '${INGRESS_TASK_PORT}:80@loadbalancer' --k3s-arg '--disable=traefik@server:*' 2>&1`,
        'kubectl wait --for=condition=Ready nodes --all --timeout=2m >/dev/null',
      ].join(' && '),
    },
    {
      label: 'install',
      command: [
        `kubectl apply -f ${GATEWAY_API_V1_3} >/dev/null`,
        'istioctl install --set profile=ambient --set values.global.platform=k3d --skip-confirmation >/dev/null',
      ].join(' && '),
    },
    {
      label: 'ingress',
      command: [
        sample({name: 'httpbin', image: HTTPBIN_IMAGE, port: 8000, targetPort: 8080}),
        `kubectl apply -f - <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: httpbin-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    hostname: "httpbin.example.com"
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
EOF`,
        'kubectl wait --for=condition=programmed gtw/httpbin-gateway --timeout=2m',
        `kubectl apply -f - <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: httpbin
spec:
  parentRefs:
  - name: httpbin-gateway
  hostnames: ["httpbin.example.com"]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /status
    - path:
        type: PathPrefix
        value: /delay
    backendRefs:
    - name: httpbin
      port: 8000
EOF`,
        'kubectl wait --for=condition=Available deployment/httpbin deployment/httpbin-gateway-istio --timeout=2m',
      ].join('\n'),
      verify: verifyContains(
        `curl -s -o /dev/null -w '%{http_code}' -HHost:httpbin.example.com http://localhost:${INGRESS_TASK_PORT}/status/200`,
        '200',
      ),
    },
  ],
};

export interface StepRun {
  label: string;
  output: string;
  code: number;
}

const VERIFY_INTERVAL_MS = 250;

/** what the cluster looked like when a verify gave up: enough to tell a slow machine from a broken path */
const DIAGNOSE = [
  'k3d cluster list',
  'docker ps',
  'kubectl get nodes',
  'kubectl get svc,endpointslices -A',
  "kubectl get pods -A -o wide | grep -v ' Running ' || true",
].join('; ');

/**
 * Retries a step's verify command until its checks hold (as the lab does). The time it may take is generous (the
 * step's timeout, four times over): this sets up a state to compare, and on a loaded CI machine a gateway's first
 * answer can take longer than on a quiet one. When it gives up, it says what the cluster looked like.
 */
async function settle(shell: ScenarioShell, verify: VerifySpec, printed: string): Promise<void> {
  const deadline = Date.now() + 4 * verify.timeoutMs;
  for (;;) {
    const r = await shell.run(verify.command);
    const failure = evaluateChecks(
      {exitCode: verify.exitCode, expect: verify.expect},
      {exitCode: r.code, output: r.output},
    );
    if (!failure) return;
    if (Date.now() > deadline) {
      const state = await shell.run(DIAGNOSE);
      throw new Error(
        `verify never held: ${verify.command}\n${r.output}\n--- the steps so far printed:\n${printed}\n--- the cluster:\n${state.output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, VERIFY_INTERVAL_MS));
  }
}

/**
 * Plays a scenario in `shell`. After each step, `after(label)` may run more commands in the same state (the
 * sandbox side of the transcripts attached to that step).
 */
export async function playScenario(
  shell: ScenarioShell,
  steps: ScenarioStep[],
  after: (step: StepRun) => Promise<void>,
): Promise<void> {
  const printed: string[] = [];
  for (const step of steps) {
    const started = Date.now();
    const r = await shell.run(step.command);
    printed.push(`[${step.label}] exit ${r.code}\n${r.output}`);
    if (step.verify) await settle(shell, step.verify, printed.join('\n'));
    await after({label: step.label, output: r.output, code: r.code});
    if (process.env.GOLDEN_TRACE) process.stderr.write(`[golden] ${step.label}: ${Date.now() - started} ms\n`);
  }
}
