import type {Deployment, DeploymentStrategy} from 'kubernetes-types/apps/v1';
import type {PodSpec, Toleration} from 'kubernetes-types/core/v1';
import type {KubeObject, ObjectStore, Typed} from '../api';
import type {ClusterSpec, NodePlan} from './cluster-spec';
import {K3S_SYSTEM_IMAGES as IMG, TRAEFIK_CHART} from './k3s-images';
import type {Kinds} from '../api/kinds';

/**
 * kube-system as k3s's deploy controller leaves it (the manifests under /var/lib/rancher/k3s/server/manifests):
 * coredns, local-path-provisioner, metrics-server and, unless `--disable=traefik`, the traefik HelmChart's install
 * Jobs plus what the chart creates. The controllers then bring their pods up like anyone else's.
 */
const NS = 'kube-system';

const CRITICAL_TOLERATIONS: Toleration[] = [
  {key: 'CriticalAddonsOnly', operator: 'Exists'},
  {key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule'},
  {key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule'},
];

function deployment(
  name: string,
  labels: Record<string, string>,
  podSpec: PodSpec,
  extra: {annotations?: Record<string, string>; labels?: Record<string, string>; strategy?: DeploymentStrategy} = {},
): KubeObject {
  const d: Typed<Deployment> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: NS,
      labels: {...labels, ...(extra.labels ?? {})},
      annotations: {'objectset.rio.cattle.io/id': '', ...(extra.annotations ?? {})},
    },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 0,
      selector: {matchLabels: labels},
      ...(extra.strategy ? {strategy: extra.strategy} : {}),
      template: {
        metadata: {labels},
        spec: {priorityClassName: 'system-node-critical', tolerations: CRITICAL_TOLERATIONS, ...podSpec},
      },
    },
  };
  return d;
}

const serviceAccount = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: {name, namespace: NS},
});

const COREFILE = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
    forward . /etc/resolv.conf
}
import /etc/coredns/custom/*.server
`;

function coredns(nodes: NodePlan[]): {type: keyof Kinds; obj: KubeObject}[] {
  const labels = {'k8s-app': 'kube-dns'};
  // k3d injects host.k3d.internal and its network members into NodeHosts after the cluster starts
  const nodeHosts =
    [...nodes.map((n) => `${n.internalIP} ${n.name}`), '172.18.0.1 host.k3d.internal'].join('\n') + '\n';
  return [
    {type: 'serviceaccounts', obj: serviceAccount('coredns')},
    {
      type: 'configmaps',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'coredns', namespace: NS},
        data: {Corefile: COREFILE, NodeHosts: nodeHosts},
      },
    },
    {
      type: 'deployments',
      obj: deployment(
        'coredns',
        labels,
        {
          serviceAccountName: 'coredns',
          priorityClassName: 'system-cluster-critical',
          nodeSelector: {'kubernetes.io/os': 'linux'},
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: {matchLabels: labels},
            },
          ],
          dnsPolicy: 'Default',
          containers: [
            {
              name: 'coredns',
              image: IMG.coredns,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              resources: {limits: {memory: '170Mi'}, requests: {cpu: '100m', memory: '70Mi'}},
              ports: [
                {containerPort: 53, name: 'dns', protocol: 'UDP'},
                {containerPort: 53, name: 'dns-tcp', protocol: 'TCP'},
                {containerPort: 9153, name: 'metrics', protocol: 'TCP'},
              ],
              livenessProbe: {
                httpGet: {path: '/health', port: 8080, scheme: 'HTTP'},
                initialDelaySeconds: 60,
                periodSeconds: 10,
                timeoutSeconds: 1,
                successThreshold: 1,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: {path: '/ready', port: 8181, scheme: 'HTTP'},
                periodSeconds: 2,
                timeoutSeconds: 1,
                successThreshold: 1,
                failureThreshold: 3,
              },
            },
          ],
        },
        {
          labels: {'kubernetes.io/name': 'CoreDNS'},
          strategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1}},
        },
      ),
    },
    {
      type: 'services',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kube-dns',
          namespace: NS,
          labels: {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'},
          annotations: {'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true'},
        },
        spec: {
          selector: labels,
          clusterIP: '10.43.0.10',
          clusterIPs: ['10.43.0.10'],
          ports: [
            {name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
            {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
            {name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
          ],
        },
      },
    },
  ];
}

function localPath(): {type: keyof Kinds; obj: KubeObject}[] {
  const labels = {app: 'local-path-provisioner'};
  return [
    {type: 'serviceaccounts', obj: serviceAccount('local-path-provisioner-service-account')},
    {
      type: 'configmaps',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'local-path-config', namespace: NS},
        data: {
          'config.json': JSON.stringify(
            {nodePathMap: [{node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/lib/rancher/k3s/storage']}]},
            null,
            2,
          ),
          setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "${VOL_DIR}"\nchmod 700 "${VOL_DIR}/.."\n',
          teardown: '#!/bin/sh\nset -eu\nrm -rf "${VOL_DIR}"\n',
          'helperPod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n  containers:\n  - name: helper-pod\n    image: "${IMG.busybox}"\n    imagePullPolicy: IfNotPresent\n`,
        },
      },
    },
    {
      type: 'storageclasses',
      obj: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: 'local-path',
          annotations: {'storageclass.kubernetes.io/is-default-class': 'true', 'objectset.rio.cattle.io/id': ''},
        },
        provisioner: 'rancher.io/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: false,
      } as KubeObject,
    },
    {
      type: 'deployments',
      obj: deployment('local-path-provisioner', labels, {
        serviceAccountName: 'local-path-provisioner-service-account',
        containers: [
          {
            name: 'local-path-provisioner',
            image: IMG.localPathProvisioner,
            imagePullPolicy: 'IfNotPresent',
            command: ['local-path-provisioner', 'start', '--config', '/etc/config/config.json'],
            env: [
              {name: 'POD_NAMESPACE', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}},
              {name: 'CONFIG_MOUNT_PATH', value: '/etc/config/'},
            ],
          },
        ],
      }),
    },
  ];
}

function metricsServer(): {type: keyof Kinds; obj: KubeObject}[] {
  const labels = {'k8s-app': 'metrics-server'};
  return [
    {type: 'serviceaccounts', obj: serviceAccount('metrics-server')},
    {
      type: 'deployments',
      obj: deployment(
        'metrics-server',
        labels,
        {
          serviceAccountName: 'metrics-server',
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: 'metrics-server',
              image: IMG.metricsServer,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--cert-dir=/tmp',
                '--secure-port=10250',
                '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
                '--kubelet-use-node-status-port',
                '--metric-resolution=15s',
                '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
              ],
              ports: [{containerPort: 10250, name: 'https', protocol: 'TCP'}],
              resources: {requests: {cpu: '100m', memory: '70Mi'}},
              readinessProbe: {
                httpGet: {path: '/readyz', port: 'https', scheme: 'HTTPS'},
                periodSeconds: 2,
                failureThreshold: 3,
                initialDelaySeconds: 0,
              },
            },
          ],
        },
        {labels: {'k8s-app': 'metrics-server'}},
      ),
    },
    {
      type: 'services',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'metrics-server',
          namespace: NS,
          labels: {'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'Metrics-server'},
        },
        spec: {selector: labels, ports: [{name: 'https', port: 443, protocol: 'TCP', targetPort: 'https'}]},
      },
    },
  ];
}

function helmInstallJob(name: string, chart: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `helm-install-${name}`,
      namespace: NS,
      labels: {'helmcharts.helm.cattle.io/chart': name, 'objectset.rio.cattle.io/hash': ''},
      annotations: {
        'helmcharts.helm.cattle.io/configHash': `SHA256=${''.padEnd(64, '0')}`,
        'objectset.rio.cattle.io/id': 'helm-controller',
      },
    },
    spec: {
      backoffLimit: 1000,
      template: {
        metadata: {
          labels: {'helmcharts.helm.cattle.io/chart': name},
          annotations: {'helmcharts.helm.cattle.io/configHash': `SHA256=${''.padEnd(64, '0')}`},
        },
        spec: {
          serviceAccountName: `helm-${name}`,
          restartPolicy: 'OnFailure',
          nodeSelector: {'kubernetes.io/os': 'linux'},
          tolerations: CRITICAL_TOLERATIONS,
          containers: [
            {
              name: 'helm',
              image: IMG.klipperHelm,
              imagePullPolicy: 'IfNotPresent',
              args: ['install', '--set-string', 'global.systemDefaultRegistry='],
              env: [
                {name: 'NAME', value: name},
                {name: 'VERSION', value: ''},
                {name: 'REPO', value: ''},
                {name: 'HELM_DRIVER', value: 'secret'},
                {name: 'CHART_NAMESPACE', value: NS},
                {name: 'CHART', value: chart},
                {name: 'HELM_VERSION', value: ''},
                {name: 'TARGET_NAMESPACE', value: NS},
              ],
            },
          ],
        },
      },
    },
  };
}

function traefik(): {type: keyof Kinds; obj: KubeObject}[] {
  const labels = {'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/name': 'traefik'};
  const helm = {...labels, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': TRAEFIK_CHART};
  return [
    {type: 'serviceaccounts', obj: serviceAccount('helm-traefik-crd')},
    {type: 'serviceaccounts', obj: serviceAccount('helm-traefik')},
    {
      type: 'jobs',
      obj: helmInstallJob('traefik-crd', 'https://%{KUBERNETES_API}%/static/charts/traefik-crd-27.0.201+up27.0.2.tgz'),
    },
    {
      type: 'jobs',
      obj: helmInstallJob('traefik', 'https://%{KUBERNETES_API}%/static/charts/traefik-27.0.201+up27.0.2.tgz'),
    },
    {
      type: 'serviceaccounts',
      obj: {...serviceAccount('traefik'), metadata: {name: 'traefik', namespace: NS, labels: helm}},
    },
    {
      type: 'deployments',
      obj: {
        ...deployment(
          'traefik',
          labels,
          {
            serviceAccountName: 'traefik',
            priorityClassName: 'system-cluster-critical',
            terminationGracePeriodSeconds: 60,
            securityContext: {runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532},
            containers: [
              {
                name: 'traefik',
                image: IMG.traefik,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--global.checknewversion',
                  '--global.sendanonymoususage',
                  '--entrypoints.metrics.address=:9100/tcp',
                  '--entrypoints.traefik.address=:9000/tcp',
                  '--entrypoints.web.address=:8000/tcp',
                  '--entrypoints.websecure.address=:8443/tcp',
                  '--api.dashboard=true',
                  '--ping=true',
                  '--metrics.prometheus=true',
                  '--metrics.prometheus.entrypoint=metrics',
                  '--providers.kubernetescrd',
                  '--providers.kubernetesingress',
                  '--providers.kubernetesingress.ingressendpoint.publishedservice=kube-system/traefik',
                  '--entrypoints.websecure.http.tls=true',
                ],
                ports: [
                  {containerPort: 9100, name: 'metrics', protocol: 'TCP'},
                  {containerPort: 9000, name: 'traefik', protocol: 'TCP'},
                  {containerPort: 8000, name: 'web', protocol: 'TCP'},
                  {containerPort: 8443, name: 'websecure', protocol: 'TCP'},
                ],
                readinessProbe: {
                  httpGet: {path: '/ping', port: 9000, scheme: 'HTTP'},
                  initialDelaySeconds: 2,
                  periodSeconds: 10,
                  failureThreshold: 1,
                  successThreshold: 1,
                  timeoutSeconds: 2,
                },
              },
            ],
          },
          {labels: helm, annotations: {'meta.helm.sh/release-name': 'traefik', 'meta.helm.sh/release-namespace': NS}},
        ),
      },
    },
    {
      type: 'services',
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'traefik',
          namespace: NS,
          labels: helm,
          annotations: {'meta.helm.sh/release-name': 'traefik', 'meta.helm.sh/release-namespace': NS},
        },
        spec: {
          type: 'LoadBalancer',
          selector: labels,
          ports: [
            {name: 'web', port: 80, protocol: 'TCP', targetPort: 'web'},
            {name: 'websecure', port: 443, protocol: 'TCP', targetPort: 'websecure'},
          ],
        },
      },
    },
  ];
}

/** The objects k3s puts in a fresh cluster, in the order it applies them. */
export function k3sSystemObjects(spec: ClusterSpec, nodes: NodePlan[]): {type: keyof Kinds; obj: KubeObject}[] {
  return [...coredns(nodes), ...localPath(), ...metricsServer(), ...(spec.disableTraefik ? [] : traefik())];
}

/** create what is missing (a resumed or half-booted cluster keeps what it has) */
export function ensureSystemObjects(
  store: ObjectStore,
  kinds: Kinds,
  objects: {type: keyof Kinds; obj: KubeObject}[],
): void {
  for (const {type, obj} of objects) {
    const t = kinds[type];
    if (!store.get(t, obj.metadata.namespace, obj.metadata.name!)) store.create(t, obj);
  }
}
