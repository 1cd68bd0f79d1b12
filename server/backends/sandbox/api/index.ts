/** The sandbox's Kubernetes-compatible API: what the controllers, the CLI shims and the lab build on. */
export {
  startSandboxApi,
  type RequestLogEntry,
  type SandboxApi,
  type SandboxApiOptions,
  type UpgradeContext,
  type UpgradeHandler,
} from './api-server';
export {SandboxRegistry, SandboxError, type Sandbox} from './sandboxes';
export type {ClientCertificate} from './self-signed-cert';
export {
  ObjectStore,
  type DeleteOptions,
  type PropagationPolicy,
  type StoreOptions,
  type StoreSnapshot,
  type WatchOptions,
  type WriteOptions,
} from './store';
export {TypeRegistry} from './type-registry';
export {kubeconfigFor, kubeconfigYaml, writeKubeconfig} from './kubeconfig';
export {ApiError, errors} from './status';
export {labelMatcher, selectorObjectMatcher, type LabelSelectorObject} from './label-selector';
export {timestamp, randomSuffix} from './names';
export {humanDuration} from './human-duration';
export type {SubresourceHandler, ResourceContext} from './rest-handler';
export * from './types';
