/**
 * Components Cni and Ztunnel: the two per-node DaemonSets of ambient (charts istio-cni and ztunnel), with their
 * accounts and the CNI config map. The CNI paths come from values (global.platform=k3d or values.cni.*).
 */
import type {PolicyRule} from 'kubernetes-types/rbac/v1';
import type {KubeObject} from '../../../api/types';
import {imageOf, type InstallConfig} from './install-config';
import {meta, TOLERATE_ALL} from './object-labels';

const RBAC = 'rbac.authorization.k8s.io/v1';

export function cniObjects(cfg: InstallConfig): KubeObject[] {
  const ns = cfg.namespace;
  const labels = {
    app: 'istio-cni-node',
    'app.kubernetes.io/name': 'istio-cni',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': cfg.tag,
    'istio.io/rev': cfg.revision || 'default',
  };
  /** a ClusterRole and its binding to the istio-cni ServiceAccount */
  const cniRole = (role: string, binding: string, rules: PolicyRule[]): KubeObject[] => [
    {apiVersion: RBAC, kind: 'ClusterRole', metadata: meta(role, undefined, labels), rules},
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: meta(binding, undefined, labels),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role},
      subjects: [{kind: 'ServiceAccount', name: 'istio-cni', namespace: ns}],
    },
  ];
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('istio-cni', ns, labels)},
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('istio-cni-config', ns, labels),
      data: {
        AMBIENT_ENABLED: String(cfg.components.includes('Ztunnel')),
        AMBIENT_DNS_CAPTURE: 'true',
        CHAINED_CNI_PLUGIN: 'true',
        CURRENT_AGENT_VERSION: cfg.tag,
        EXCLUDE_NAMESPACES: 'kube-system',
        REPAIR_ENABLED: 'true',
        CNI_NET_DIR: cfg.cniConfDir,
      },
    },
    {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: meta('istio-cni', undefined, labels),
      rules: [{apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch']}],
    },
    {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: meta('istio-cni', undefined, labels),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-cni'},
      subjects: [{kind: 'ServiceAccount', name: 'istio-cni', namespace: ns}],
    },
    // the repair controller (repair.enabled, repairPods: the defaults) and, with ambient, the pod labelling role
    // (istio-cni/templates/clusterrole.yaml and clusterrolebinding.yaml, 1.29.6)
    ...cniRole('istio-cni-repair-role', 'istio-cni-repair-rolebinding', [
      {apiGroups: [''], resources: ['events'], verbs: ['create', 'patch']},
      {apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list']},
    ]),
    ...(cfg.components.includes('Ztunnel')
      ? cniRole('istio-cni-ambient', 'istio-cni-ambient', [
          {apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update']},
          {apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: ['istio-cni-node'], verbs: ['get']},
        ])
      : []),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('istio-cni-node', ns, labels),
      spec: {
        selector: {matchLabels: {'k8s-app': 'istio-cni-node'}},
        updateStrategy: {rollingUpdate: {maxUnavailable: 1}, type: 'RollingUpdate'},
        template: {
          metadata: {
            labels: {
              'k8s-app': 'istio-cni-node',
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
              'app.kubernetes.io/name': 'istio-cni',
              'app.kubernetes.io/part-of': 'istio',
            },
            annotations: {
              'prometheus.io/path': '/metrics',
              'prometheus.io/port': '15014',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            nodeSelector: {'kubernetes.io/os': 'linux'},
            tolerations: TOLERATE_ALL,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'istio-cni',
            terminationGracePeriodSeconds: 5,
            containers: [
              {
                name: 'install-cni',
                image: imageOf(cfg, 'install-cni'),
                command: ['install-cni'],
                args: ['--log_output_level=info'],
                envFrom: [{configMapRef: {name: 'istio-cni-config'}}],
                ports: [{containerPort: 15014, name: 'metrics', protocol: 'TCP'}],
                readinessProbe: {httpGet: {path: '/readyz', port: 8000, scheme: 'HTTP'}, periodSeconds: 10},
                resources: {requests: {cpu: '100m', memory: '100Mi'}},
                securityContext: {privileged: true, runAsGroup: 0, runAsUser: 0},
                volumeMounts: [
                  {mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir'},
                  {mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir'},
                  {mountPath: '/var/run/istio-cni', name: 'cni-socket-dir'},
                ],
              },
            ],
            volumes: [
              {name: 'cni-bin-dir', hostPath: {path: cfg.cniBinDir, type: ''}},
              {name: 'cni-net-dir', hostPath: {path: cfg.cniConfDir, type: ''}},
              {name: 'cni-socket-dir', hostPath: {path: '/var/run/istio-cni', type: ''}},
            ],
          },
        },
      },
    },
  ];
}

export function ztunnelObjects(cfg: InstallConfig): KubeObject[] {
  const ns = cfg.namespace;
  const labels = {
    app: 'ztunnel',
    'app.kubernetes.io/name': 'ztunnel',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': cfg.tag,
    'istio.io/rev': cfg.revision || 'default',
  };
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('ztunnel', ns, labels)},
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('ztunnel', ns, labels),
      spec: {
        selector: {matchLabels: {app: 'ztunnel'}},
        updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}, type: 'RollingUpdate'},
        template: {
          metadata: {
            labels: {
              app: 'ztunnel',
              'app.kubernetes.io/name': 'ztunnel',
              'app.kubernetes.io/part-of': 'istio',
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
            },
            annotations: {
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            nodeSelector: {'kubernetes.io/os': 'linux'},
            tolerations: TOLERATE_ALL,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'ztunnel',
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'istio-proxy',
                // the ztunnel chart has its own variant, "" by default
                image: imageOf(cfg, 'ztunnel', false),
                args: ['proxy', 'ztunnel'],
                env: [
                  {name: 'CA_ADDRESS', value: `istiod.${ns}.svc:15012`},
                  {name: 'XDS_ADDRESS', value: `istiod.${ns}.svc:15012`},
                  {name: 'RUST_LOG', value: 'info'},
                  {name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes'},
                  {name: 'NODE_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}},
                ],
                ports: [{containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP'}],
                readinessProbe: {httpGet: {path: '/healthz/ready', port: 15021, scheme: 'HTTP'}, periodSeconds: 10},
                resources: {requests: {cpu: '200m', memory: '512Mi'}},
                securityContext: {
                  capabilities: {add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'], drop: ['ALL']},
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsGroup: 1337,
                  runAsNonRoot: false,
                  runAsUser: 0,
                },
              },
            ],
          },
        },
      },
    },
  ];
}
