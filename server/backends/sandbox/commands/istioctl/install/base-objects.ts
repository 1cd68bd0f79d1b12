/** Component Base ("Istio core"): the CRDs, the reader account and role, and the default validator (charts/base). */
import type {KubeObject} from '../../../api/types';
import {istioCrds} from './crds';
import type {InstallConfig} from './install-config';
import {meta} from './object-labels';

export function baseObjects(cfg: InstallConfig, istioMinor: number): KubeObject[] {
  const ns = cfg.namespace;
  const reader = `istio-reader-clusterrole-${ns}`;
  return [
    ...istioCrds(istioMinor, {}),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('istio-reader-service-account', ns, {app: 'istio-reader', release: 'istio'}),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(reader, undefined, {app: 'istio-reader', release: 'istio'}),
      rules: [
        {
          apiGroups: [
            'config.istio.io',
            'security.istio.io',
            'networking.istio.io',
            'authentication.istio.io',
            'rbac.istio.io',
            'telemetry.istio.io',
            'extensions.istio.io',
          ],
          resources: ['*'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(reader, undefined, {app: 'istio-reader', release: 'istio'}),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader},
      subjects: [{kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: ns}],
    },
    // istioctl install makes the default revision the cluster-wide validator
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta('istiod-default-validator', undefined, {
        app: 'istiod',
        istio: 'istiod',
        'istio.io/rev': cfg.revision || 'default',
        'istio.io/tag': 'default',
      }),
      webhooks: [
        validationWebhook('validation.istio.io', ns, {
          matchExpressions: [{key: 'istio.io/rev', operator: 'DoesNotExist'}],
        }),
      ],
    },
  ];
}

export function validationWebhook(name: string, ns: string, objectSelector: unknown) {
  return {
    name,
    admissionReviewVersions: ['v1beta1', 'v1'],
    clientConfig: {service: {name: 'istiod', namespace: ns, path: '/validate', port: 443}},
    failurePolicy: 'Ignore',
    matchPolicy: 'Equivalent',
    namespaceSelector: {},
    objectSelector,
    rules: [
      {
        apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['*'],
        scope: '*',
      },
    ],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
}
