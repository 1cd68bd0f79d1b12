/**
 * The images k3s v1.31.5+k3s1 deploys from its bundled manifests (k3s `manifests/*.yaml`, `scripts/airgap/image-list.txt`).
 * One table, so the pods, `kubectl describe` and the image-pull events agree.
 */
export const K3S_SYSTEM_IMAGES = {
  coredns: 'rancher/mirrored-coredns-coredns:1.12.0',
  localPathProvisioner: 'rancher/local-path-provisioner:v0.0.30',
  metricsServer: 'rancher/mirrored-metrics-server:v0.7.2',
  traefik: 'rancher/mirrored-library-traefik:2.11.18',
  klipperHelm: 'rancher/klipper-helm:v0.9.3-build20241008',
  klipperLb: 'rancher/klipper-lb:v0.4.9',
  /** local-path-provisioner's helper pods */
  busybox: 'rancher/mirrored-library-busybox:1.36.1',
} as const;

/** the traefik chart k3s 1.31.5 installs (helm.sh/chart label) */
export const TRAEFIK_CHART = 'traefik-27.0.201_up27.0.2';
