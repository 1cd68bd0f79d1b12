/** The picture's words, in the page's locale (ids in i18n/<locale>/code.json under lab.cluster.*). */
import {translate} from '@docusaurus/Translate';
import type {ClusterUnavailable, DataPlaneMode, HopKind, PodRole} from '@site/src/core/protocol/cluster-picture';
import type {PictureFailure} from './fetch-picture';

export function modeLabel(mode: DataPlaneMode): string {
  switch (mode) {
    case 'sidecar':
      return translate({
        id: 'lab.cluster.mode.sidecar',
        message: 'sidecar',
        description: 'namespace data-plane mode badge',
      });
    case 'ambient':
      return translate({id: 'lab.cluster.mode.ambient', message: 'ambient'});
    case 'ambient+waypoint':
      return translate({id: 'lab.cluster.mode.waypoint', message: 'ambient + waypoint'});
    case 'none':
      return translate({id: 'lab.cluster.mode.none', message: 'not in the mesh'});
  }
}

export function roleLabel(role: PodRole): string {
  switch (role) {
    case 'sidecar':
      return translate({
        id: 'lab.cluster.role.sidecar',
        message: 'has a sidecar',
        description: 'what a pod is to the mesh (tooltip)',
      });
    case 'ambient':
      return translate({id: 'lab.cluster.role.ambient', message: 'ambient workload'});
    case 'waypoint':
      return translate({id: 'lab.cluster.role.waypoint', message: 'waypoint proxy'});
    case 'ztunnel':
      return translate({id: 'lab.cluster.role.ztunnel', message: 'ztunnel (node proxy)'});
    case 'none':
      return translate({id: 'lab.cluster.role.none', message: 'not in the mesh'});
  }
}

export function hopLabel(kind: HopKind): string {
  switch (kind) {
    case 'sidecar-outbound':
      return translate({
        id: 'lab.cluster.hop.sidecarOut',
        message: 'sidecar (out)',
        description: 'a hop of a request path',
      });
    case 'ztunnel-outbound':
      return translate({id: 'lab.cluster.hop.ztunnelOut', message: 'ztunnel (out)'});
    case 'waypoint':
      return translate({id: 'lab.cluster.hop.waypoint', message: 'waypoint'});
    case 'ztunnel-inbound':
      return translate({id: 'lab.cluster.hop.ztunnelIn', message: 'ztunnel (in)'});
    case 'sidecar-inbound':
      return translate({id: 'lab.cluster.hop.sidecarIn', message: 'sidecar (in)'});
    case 'app':
      return translate({id: 'lab.cluster.hop.app', message: 'app'});
  }
}

export function unavailableLabel(code: ClusterUnavailable): string {
  switch (code) {
    case 'no-cluster':
      return translate({
        id: 'lab.cluster.empty.noCluster',
        message: 'No cluster yet. It appears here once `k3d cluster create` has run.',
      });
    case 'unreachable':
      return translate({
        id: 'lab.cluster.empty.unreachable',
        message: 'The cluster does not answer (stopped, deleted or still starting).',
      });
    case 'kubectl-missing':
      return translate({
        id: 'lab.cluster.empty.kubectl',
        message: 'kubectl is not installed where the lab runs: `lab doctor` says how to get it.',
      });
    case 'error':
      return translate({id: 'lab.cluster.empty.error', message: 'kubectl could not read the cluster.'});
  }
}

export function failureLabel(failure: PictureFailure): string {
  switch (failure) {
    case 'signed-out':
      return translate({
        id: 'lab.cluster.fail.signedOut',
        message: 'Not signed in to the lab: open the URL that `lab start` printed.',
      });
    case 'no-server':
      return translate({
        id: 'lab.cluster.fail.noServer',
        message: 'The lab server is not reachable. Is it running (npm start)?',
      });
    case 'bad-answer':
      return translate({
        id: 'lab.cluster.fail.badAnswer',
        message: 'The lab server gave an unexpected answer: is it the same version as this page?',
      });
  }
}
