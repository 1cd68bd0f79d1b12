/**
 * Component Pilot ("Istiod"): istiod's Deployment, Service, account, roles, config maps and webhooks, shaped after
 * manifests/charts/istio-control/istio-discovery/templates.
 */
import type {KubeObject} from '../../../api/types';
import {validationWebhook} from './base-objects';
import {imageOf, type InstallConfig} from './install-config';
import {meta} from './object-labels';

const RBAC = 'rbac.authorization.k8s.io/v1';

function meshConfigYaml(cfg: InstallConfig): string {
  const extra = Object.entries(cfg.meshConfig)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
  return (
    `${extra}defaultConfig:\n  discoveryAddress: istiod.${cfg.namespace}.svc:15012\n` +
    (cfg.profile === 'ambient' ? `  proxyMetadata:\n    ISTIO_META_ENABLE_HBONE: "true"\n` : '') +
    `defaultProviders:\n  metrics:\n  - prometheus\nenablePrometheusMerge: true\nrootNamespace: ${cfg.namespace}\ntrustDomain: cluster.local\n`
  );
}

/** one entry of the chart's "core" webhook template (mutatingwebhook.yaml, revision-tags-mwc.yaml at 1.29.6) */
export function injectorWebhook(
  name: string,
  service: {name: string; namespace: string; path: string},
  namespaceSelector: unknown,
  objectSelector: unknown,
) {
  return {
    name,
    admissionReviewVersions: ['v1'],
    clientConfig: {service: {...service, port: 443}},
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: 'Never',
    rules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*'}],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
}

export function pilotObjects(cfg: InstallConfig): KubeObject[] {
  const ns = cfg.namespace;
  const rev = cfg.revision || 'default';
  const app = {app: 'istiod', 'istio.io/rev': rev, release: 'istio'};
  const podLabels = {
    app: 'istiod',
    'istio.io/rev': rev,
    'sidecar.istio.io/inject': 'false',
    'operator.istio.io/component': 'Pilot',
    istio: 'pilot',
    'istio.io/dataplane-mode': 'none',
    'install.operator.istio.io/owning-resource': 'unknown',
  };
  const values = {
    profile: cfg.profile,
    platform: cfg.platform,
    revision: cfg.revision,
    global: {hub: cfg.hub, tag: cfg.tag, variant: cfg.variant, istioNamespace: ns},
    cni: {cniConfDir: cfg.cniConfDir, cniBinDir: cfg.cniBinDir},
  };
  const ambient = cfg.profile === 'ambient' || cfg.components.includes('Ztunnel');
  const injectService = {name: `istiod${cfg.revision ? `-${cfg.revision}` : ''}`, namespace: ns, path: '/inject'};
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('istiod', ns, app)},
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('istio', ns, {...app, 'install.operator.istio.io/owning-resource': 'unknown'}),
      data: {mesh: meshConfigYaml(cfg), meshNetworks: 'networks: {}'},
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('istio-sidecar-injector', ns, app),
      data: {
        config: `defaultTemplates: [sidecar]\npolicy: enabled\nalwaysInjectSelector:\n  []\nneverInjectSelector:\n  []\ninjectedAnnotations:\ntemplate: "{{ Template_Version_And_Istio_Version_Mismatched_Check_Installation }}"\ntemplates:\n  sidecar: |\n  gateway: |\n  grpc-simple: |\n  grpc-agent: |\n  waypoint: |\n  kube-gateway: |\n`,
        values: JSON.stringify(
          {
            global: {
              hub: cfg.hub,
              tag: cfg.tag,
              proxy: {image: 'proxyv2'},
              proxy_init: {image: 'proxyv2'},
              variant: cfg.variant,
            },
            revision: cfg.revision,
            sidecarInjectorWebhook: {enableNamespacesByDefault: false},
          },
          null,
          2,
        ),
      },
    },
    // the installed state: the values ConfigMap the charts write (`original-values`, `merged-values`)
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('values', ns, {...app, 'istio.io/rev': rev}, {}),
      data: {
        'original-values': JSON.stringify({sets: cfg.sets}),
        'merged-values': JSON.stringify({...values, components: cfg.components}),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('istiod', ns, {...app, istio: 'pilot'}),
      spec: {
        replicas: 1,
        selector: {matchLabels: {istio: 'pilot'}},
        strategy: {rollingUpdate: {maxSurge: '100%', maxUnavailable: '25%'}},
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'prometheus.io/port': '15014',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: 'istiod',
            containers: [
              {
                name: 'discovery',
                image: imageOf(cfg, 'pilot'),
                args: [
                  'discovery',
                  '--monitoringAddr=:15014',
                  '--log_output_level=default:info',
                  '--domain',
                  'cluster.local',
                  '--keepaliveMaxServerConnectionAge',
                  '30m',
                ],
                env: [
                  {name: 'REVISION', value: rev},
                  {name: 'PILOT_CERT_PROVIDER', value: 'istiod'},
                  {name: 'POD_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.name'}}},
                  {name: 'POD_NAMESPACE', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}},
                  {name: 'PILOT_ENABLE_AMBIENT', value: ambient ? 'true' : 'false'},
                  {name: 'CLUSTER_ID', value: 'Kubernetes'},
                ],
                ports: [
                  {containerPort: 8080, name: 'http-debug', protocol: 'TCP'},
                  {containerPort: 15010, name: 'grpc-xds', protocol: 'TCP'},
                  {containerPort: 15012, name: 'tls-xds', protocol: 'TCP'},
                  {containerPort: 15017, name: 'https-webhooks', protocol: 'TCP'},
                  {containerPort: 15014, name: 'http-monitoring', protocol: 'TCP'},
                ],
                readinessProbe: {
                  httpGet: {path: '/ready', port: 8080, scheme: 'HTTP'},
                  initialDelaySeconds: 1,
                  periodSeconds: 3,
                  timeoutSeconds: 5,
                },
                resources: {requests: {cpu: '500m', memory: '2048Mi'}},
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('istiod', ns, {...app, istio: 'pilot'}),
      spec: {
        type: 'ClusterIP',
        selector: {app: 'istiod', istio: 'pilot'},
        ports: [
          {name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010},
          {name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012},
          {name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017},
          {name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014},
        ],
      },
    },
    // no PodDisruptionBudget: the chart makes one only when autoscaleMin (or replicaCount) is over 1, and the
    // defaults are autoscaleEnabled with autoscaleMin 1 (istio-discovery/templates/poddisruptionbudget.yaml, 1.29.6)
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('istiod', ns, {...app, istio: 'pilot'}),
      spec: {
        maxReplicas: 5,
        minReplicas: 1,
        scaleTargetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod'},
        metrics: [{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 80}}}],
      },
    },
    ...[`istiod-clusterrole-${ns}`, `istiod-gateway-controller-${ns}`].flatMap((name) => [
      {
        apiVersion: RBAC,
        kind: 'ClusterRole',
        metadata: meta(name, undefined, app),
        rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch']}],
      },
      {
        apiVersion: RBAC,
        kind: 'ClusterRoleBinding',
        metadata: meta(name, undefined, app),
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name},
        subjects: [{kind: 'ServiceAccount', name: 'istiod', namespace: ns}],
      },
    ]),
    {
      apiVersion: RBAC,
      kind: 'Role',
      metadata: meta('istiod', ns, app),
      rules: [{apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['*']}],
    },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: meta('istiod', ns, app),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istiod'},
      subjects: [{kind: 'ServiceAccount', name: 'istiod', namespace: ns}],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      // the chart's labels: `app: sidecar-injector` is what istioctl's tag code looks webhooks up by
      metadata: meta(`istio-sidecar-injector${cfg.revision ? `-${cfg.revision}` : ''}`, undefined, {
        'istio.io/rev': rev,
        app: 'sidecar-injector',
        release: 'istio',
        'app.kubernetes.io/name': 'istiod',
      }),
      webhooks: [
        injectorWebhook(
          'rev.namespace.sidecar-injector.istio.io',
          injectService,
          {
            matchExpressions: [
              {key: 'istio.io/rev', operator: 'In', values: [rev]},
              {key: 'istio-injection', operator: 'DoesNotExist'},
            ],
          },
          {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']}]},
        ),
        injectorWebhook(
          'rev.object.sidecar-injector.istio.io',
          injectService,
          {
            matchExpressions: [
              {key: 'istio.io/rev', operator: 'DoesNotExist'},
              {key: 'istio-injection', operator: 'DoesNotExist'},
            ],
          },
          {
            matchExpressions: [
              {key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']},
              {key: 'istio.io/rev', operator: 'In', values: [rev]},
            ],
          },
        ),
        injectorWebhook(
          'namespace.sidecar-injector.istio.io',
          injectService,
          {matchExpressions: [{key: 'istio-injection', operator: 'In', values: ['enabled']}]},
          {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']}]},
        ),
        injectorWebhook(
          'object.sidecar-injector.istio.io',
          injectService,
          {
            matchExpressions: [
              {key: 'istio-injection', operator: 'DoesNotExist'},
              {key: 'istio.io/rev', operator: 'DoesNotExist'},
            ],
          },
          {
            matchExpressions: [
              {key: 'sidecar.istio.io/inject', operator: 'In', values: ['true']},
              {key: 'istio.io/rev', operator: 'DoesNotExist'},
            ],
          },
        ),
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta(`istio-validator${cfg.revision ? `-${cfg.revision}` : ''}-${ns}`, undefined, {
        ...app,
        istio: 'istiod',
        'istio.io/rev': rev,
      }),
      webhooks: [
        validationWebhook('rev.validation.istio.io', ns, {
          matchExpressions: [{key: 'istio.io/rev', operator: 'In', values: [rev]}],
        }),
      ],
    },
  ];
}
