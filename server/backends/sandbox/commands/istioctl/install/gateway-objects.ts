/**
 * Components IngressGateways and EgressGateways (default and demo profiles): istio-ingressgateway (a LoadBalancer
 * Service: k3s' ServiceLB gives it the node addresses) and istio-egressgateway, from charts/gateways.
 */
import type {KubeObject} from '../../../api/types';
import {imageOf, type InstallConfig} from './install-config';
import {meta} from './object-labels';

function gateway(cfg: InstallConfig, kind: 'ingress' | 'egress'): KubeObject[] {
  const ns = cfg.namespace;
  const name = `istio-${kind}gateway`;
  const labels = {app: name, istio: `${kind}gateway`, 'istio.io/rev': cfg.revision || 'default', release: 'istio'};
  const ports =
    kind === 'ingress'
      ? [
          {name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021},
          {name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080},
          {name: 'https', port: 443, protocol: 'TCP', targetPort: 8443},
        ]
      : [
          {name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080},
          {name: 'https', port: 443, protocol: 'TCP', targetPort: 8443},
        ];
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`${name}-service-account`, ns, labels)},
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, ns, labels),
      spec: {
        replicas: 1,
        selector: {matchLabels: {app: name, istio: `${kind}gateway`}},
        template: {
          metadata: {
            labels: {
              ...labels,
              'sidecar.istio.io/inject': 'false',
              'service.istio.io/canonical-name': name,
              'service.istio.io/canonical-revision': 'latest',
            },
            annotations: {
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/inject': 'false',
            },
          },
          spec: {
            serviceAccountName: `${name}-service-account`,
            containers: [
              {
                name: 'istio-proxy',
                image: imageOf(cfg, 'proxyv2'),
                args: [
                  'proxy',
                  'router',
                  '--domain',
                  `$(POD_NAMESPACE).svc.cluster.local`,
                  '--proxyLogLevel=warning',
                  '--proxyComponentLogLevel=misc:error',
                  '--log_output_level=default:info',
                ],
                ports: [
                  {containerPort: 15021, protocol: 'TCP'},
                  {containerPort: 8080, protocol: 'TCP'},
                  {containerPort: 8443, protocol: 'TCP'},
                  {containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP'},
                ],
                readinessProbe: {httpGet: {path: '/healthz/ready', port: 15021, scheme: 'HTTP'}, periodSeconds: 2},
                resources: {requests: {cpu: '100m', memory: '128Mi'}},
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, ns, labels),
      spec: {
        type: kind === 'ingress' ? 'LoadBalancer' : 'ClusterIP',
        selector: {app: name, istio: `${kind}gateway`},
        ports,
      },
    },
    // no PodDisruptionBudget: only when autoscaleMin (or replicaCount) is over 1; the default is 1
    // (gateways/istio-ingress/templates/poddisruptionbudget.yaml, 1.29.6)
  ];
}

export const ingressObjects = (cfg: InstallConfig) => gateway(cfg, 'ingress');
export const egressObjects = (cfg: InstallConfig) => gateway(cfg, 'egress');
