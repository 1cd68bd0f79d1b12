/** What runs inside the sandbox's simulated pods: logs, exec, port-forward, the in-pod shell and the apps. */
export {installPodRuntime, type PodRuntime, type PodRuntimeOptions} from './pod-runtime';
export {SandboxRuntime} from './sandbox-runtime';
export {IMAGE_CATALOG, GENERIC_IMAGE, imageSpecFor, repositoryOf} from './images/catalog';
export type {AppKind, ImageSpec, ImageUser, StartupContext} from './images/types';
export type {
  NetworkModel,
  NetworkRequest,
  NetworkResult,
  NetworkResponse,
  NetworkError,
  NetworkErrorKind,
  HeaderList,
} from './net/network-model';
export {isNetworkError} from './net/network-model';
export {defaultNetworkModel, targetPortFor} from './net/default-network';
export {resolveName, backingPods, searchDomains, CLUSTER_DNS_IP} from './net/dns';
export {serveFromPod, listenerOn, type ServeRequest} from './net/pod-app';
export {serveHttp1, type WireAnswer, type WireRequest} from './net/http1-wire';
export {APP_HANDLERS, type AppHandler, type AppRequest, type AppResponse} from './net/apps';
export type {Command, CommandContext} from './shell/shell';
export {podView, type PodView} from './pod-view';
