/**
 * The k3d release the sandbox impersonates. v5.8.3 is the release whose default k3s is v1.31.5-k3s1, the K3S_VERSION
 * the API reports (both pinned in src/core/versions.ts).
 */
import {DEFAULT_VERSIONS} from '../../../../../src/core/versions';
import {K3S_VERSION} from '../../versions';

export const K3D_VERSION = DEFAULT_VERSIONS.K3D;
export const K3S_IMAGE_TAG = K3S_VERSION.replace('+', '-');
export const K3D_PROXY_IMAGE = `ghcr.io/k3d-io/k3d-proxy:${K3D_VERSION.slice(1)}`;
