import type {AppKind} from '../../images/types';
import type {AppHandler, AppTls} from './app';
import {argocdServer, argocdServerTls} from './argocd-server';
import {helloworld} from './helloworld';
import {goHttpbin} from './httpbin';
import {nginx} from './nginx';
import {envoyStats, ztunnelStats} from './proxy-stats';

export type {AppCertificate, AppContext, AppHandler, AppRequest, AppResponse, AppTls} from './app';

/** the HTTP app each kind of image serves; images without one refuse connections */
export const APP_HANDLERS: Partial<Record<AppKind, AppHandler>> = {
  httpbin: goHttpbin,
  helloworld,
  nginx,
  'ztunnel-stats': ztunnelStats,
  'envoy-stats': envoyStats,
  'argocd-server': argocdServer,
};

/** apps that also terminate TLS on their port (argocd-server's cmux: TLS and plain HTTP on one port) */
export const APP_TLS: Partial<Record<AppKind, AppTls>> = {
  'argocd-server': argocdServerTls,
};
