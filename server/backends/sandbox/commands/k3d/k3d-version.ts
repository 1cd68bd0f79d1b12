/**
 * The k3d release the sandbox impersonates. v5.8.3 is the release whose default k3s is v1.31.5-k3s1, the K3S_VERSION
 * the API reports (see versions.ts; kept here because that file is shared and this pairing is the k3d shim's).
 */
import {K3S_VERSION} from '../../versions';

export const K3D_VERSION = 'v5.8.3';
export const K3S_IMAGE_TAG = K3S_VERSION.replace('+', '-');
export const K3D_PROXY_IMAGE = `ghcr.io/k3d-io/k3d-proxy:${K3D_VERSION.slice(1)}`;
