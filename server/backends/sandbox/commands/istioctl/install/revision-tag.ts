/**
 * The `default` revision tag `istioctl install` creates after the components, out of band of the charts
 * (operator/pkg/install/install.go InstallManifests → operator/pkg/webhook/webhook.go WebhooksToDeploy, 1.29.6):
 * needed unless a tag `default` already exists and this install is a revision; rendered by istioctl/pkg/tag
 * generate.go from the revision's own webhook and the istiod chart's revision-tags-mwc.yaml and
 * revision-tags-svc.yaml. For the `default` tag it also deactivates the revision's webhook (util.go
 * DeactivateIstioInjectionWebhook: selectors that never match), so the tag's webhook alone injects, and re-renders
 * `istiod-default-validator` with the revision's labels. The install prints nothing about it.
 */
import type {ObjectStore} from '../../../api/store';
import type {KubeObject} from '../../../api/types';
import {getOf, listOf, mustType} from '../../../api/kinds';
import {applyObject} from './apply';
import type {InstallConfig} from './install-config';
import {COMPONENT_LABEL, installerLabels, meta} from './object-labels';
import {injectorWebhook} from './pilot-objects';

export const TAG_LABEL = 'istio.io/tag';
const REV_LABEL = 'istio.io/rev';
const DEFAULT_TAG = 'default';
/** operator/pkg/manifest/name.go OwningResourceNotPruned: the install's prune step leaves these alone */
export const NOT_PRUNED_LABEL = 'install.operator.istio.io/owning-resource-not-pruned';
/** istioctl/pkg/util/common.go NeverMatch */
const NEVER_MATCH = {matchLabels: {'istio.io/deactivated': 'never-match'}};

interface Webhook {
  name: string;
  clientConfig?: {service?: {name: string; namespace: string; path?: string}};
  namespaceSelector?: unknown;
  objectSelector?: unknown;
}
const webhooksOf = (o: KubeObject): Webhook[] => ((o as {webhooks?: Webhook[]}).webhooks ?? []) as Webhook[];

/** webhook.go detectIfTagWebhookIsNeeded (global.operatorManageWebhooks is not a value the sandbox takes) */
function tagNeeded(store: ObjectStore, cfg: InstallConfig): boolean {
  // tag/util.go PreviousInstallExists
  const exists =
    listOf(store, 'mutatingwebhookconfigurations', {labelSelector: `app=sidecar-injector,${TAG_LABEL}=default`})
      .length > 0;
  return !exists || cfg.revision === '';
}

/** the revision's own webhook (util.go GetWebhooksWithRevision: `istio.io/rev=<rev>,!istio.io/tag`), if exactly one */
function canonicalWebhook(store: ObjectStore, cfg: InstallConfig): KubeObject | undefined {
  const rev = cfg.revision || 'default';
  const whs = listOf(store, 'mutatingwebhookconfigurations', {labelSelector: `${REV_LABEL}=${rev},!${TAG_LABEL}`});
  const svcs = listOf(store, 'services', {
    namespace: cfg.namespace,
    labelSelector: `${REV_LABEL}=${rev},!${TAG_LABEL},app=istiod`,
  });
  // generate.go checkControlPlaneExistenceOrDuplicate; WebhooksToDeploy drops the error (a remote cluster install)
  return whs.length === 1 && svcs.length <= 1 ? whs[0] : undefined;
}

/** generate.go generateMutatingWebhook with the chart's revision-tags-mwc.yaml for tag `default` */
function tagWebhook(cfg: InstallConfig, canonical: KubeObject, labels: Record<string, string>): KubeObject {
  const rev = cfg.revision || 'default';
  // tagWebhookConfigFromCanonicalWebhook: the service and path of the revision's `*sidecar-injector.istio.io`
  const svc = webhooksOf(canonical).find((w) => w.name.endsWith('sidecar-injector.istio.io'))?.clientConfig?.service;
  const service = {
    name: svc?.name ?? `istiod${cfg.revision ? `-${cfg.revision}` : ''}`,
    namespace: cfg.namespace,
    path: svc?.path ?? '/inject',
  };
  const notFalse = {key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']};
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(
      cfg.namespace === 'istio-system' ? 'istio-revision-tag-default' : `istio-revision-tag-default-${cfg.namespace}`,
      undefined,
      {
        [TAG_LABEL]: DEFAULT_TAG,
        [REV_LABEL]: rev,
        'install.operator.istio.io/owning-resource': 'unknown',
        [COMPONENT_LABEL]: 'Pilot',
        app: 'sidecar-injector',
        release: 'istio',
        'app.kubernetes.io/name': 'istiod',
        ...labels,
      },
    ),
    webhooks: [
      injectorWebhook(
        'rev.namespace.sidecar-injector.istio.io',
        service,
        {
          matchExpressions: [
            {key: REV_LABEL, operator: 'In', values: [DEFAULT_TAG]},
            {key: 'istio-injection', operator: 'DoesNotExist'},
          ],
        },
        {matchExpressions: [notFalse]},
      ),
      injectorWebhook(
        'rev.object.sidecar-injector.istio.io',
        service,
        {
          matchExpressions: [
            {key: REV_LABEL, operator: 'DoesNotExist'},
            {key: 'istio-injection', operator: 'DoesNotExist'},
          ],
        },
        {matchExpressions: [notFalse, {key: REV_LABEL, operator: 'In', values: [DEFAULT_TAG]}]},
      ),
      // the tag `default` also takes the default revision's selectors
      injectorWebhook(
        'namespace.sidecar-injector.istio.io',
        service,
        {matchExpressions: [{key: 'istio-injection', operator: 'In', values: ['enabled']}]},
        {matchExpressions: [notFalse]},
      ),
      injectorWebhook(
        'object.sidecar-injector.istio.io',
        service,
        {
          matchExpressions: [
            {key: 'istio-injection', operator: 'DoesNotExist'},
            {key: REV_LABEL, operator: 'DoesNotExist'},
          ],
        },
        {
          matchExpressions: [
            {key: 'sidecar.istio.io/inject', operator: 'In', values: ['true']},
            {key: REV_LABEL, operator: 'DoesNotExist'},
          ],
        },
      ),
    ],
  };
}

/** generate.go generateTagService with the chart's revision-tags-svc.yaml: istiod's ports, the revision's pods */
function tagService(cfg: InstallConfig, labels: Record<string, string>): KubeObject {
  const rev = cfg.revision || 'default';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('istiod-revision-tag-default', cfg.namespace, {
      [REV_LABEL]: rev,
      [TAG_LABEL]: DEFAULT_TAG,
      'install.operator.istio.io/owning-resource': 'unknown',
      [COMPONENT_LABEL]: 'Pilot',
      app: 'istiod',
      istio: 'pilot',
      release: 'istio',
      'app.kubernetes.io/name': 'istiod',
      ...labels,
    }),
    spec: {
      type: 'ClusterIP',
      ports: [
        {name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010},
        {name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012},
        {name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017},
        {name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014},
      ],
      selector: cfg.revision ? {app: 'istiod', [REV_LABEL]: cfg.revision} : {app: 'istiod', istio: 'pilot'},
    },
  };
}

/** util.go DeactivateIstioInjectionWebhook: the `default` revision's own webhook keeps existing but matches nothing */
function deactivateDefaultRevisionWebhook(store: ObjectStore): void {
  const whs = listOf(store, 'mutatingwebhookconfigurations', {labelSelector: `${REV_LABEL}=default,!${TAG_LABEL}`});
  if (whs.length !== 1) return;
  const wh = JSON.parse(JSON.stringify(whs[0])) as KubeObject;
  for (const w of webhooksOf(wh)) {
    w.namespaceSelector = NEVER_MATCH;
    w.objectSelector = NEVER_MATCH;
  }
  store.update(mustType(store, 'mutatingwebhookconfigurations'), wh);
}

/** generate.go generateValidatingWebhook: `istiod-default-validator` (charts/default) with the revision's labels */
function relabelDefaultValidator(store: ObjectStore, labels: Record<string, string>): void {
  const vwh = getOf(store, 'validatingwebhookconfigurations', undefined, 'istiod-default-validator');
  if (!vwh) return;
  applyObject(store, {
    ...vwh,
    metadata: {...vwh.metadata, labels: {...vwh.metadata.labels, [COMPONENT_LABEL]: 'Pilot', ...labels}},
  });
}

/** WebhooksToDeploy and the server-side apply of what it returns; nothing when the tag is not needed */
export function applyDefaultRevisionTag(store: ObjectStore, cfg: InstallConfig): void {
  if (!cfg.components.includes('Pilot') || !tagNeeded(store, cfg)) return;
  const canonical = canonicalWebhook(store, cfg);
  if (!canonical) return;
  // generateLabels: the chart's, then the revision webhook's except `app`, then the installer's owner labels
  // (install.go getOwnerLabels without a component) and owning-resource-not-pruned
  const fromCanonical = Object.fromEntries(
    Object.entries(canonical.metadata.labels ?? {}).filter(([k]) => k !== 'app'),
  );
  const owner = Object.fromEntries(
    Object.entries(installerLabels(cfg, 'Pilot')).filter(([k]) => k !== COMPONENT_LABEL),
  );
  const custom = {...owner, [NOT_PRUNED_LABEL]: 'true'};
  deactivateDefaultRevisionWebhook(store);
  applyObject(store, tagWebhook(cfg, canonical, {...fromCanonical, ...custom}));
  relabelDefaultValidator(store, {...fromCanonical, ...custom});
  applyObject(store, tagService(cfg, custom));
}
