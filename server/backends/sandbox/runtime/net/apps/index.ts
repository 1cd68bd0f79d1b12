import type {AppKind} from '../../images/types';
import type {AppHandler} from './app';
import {helloworld} from './helloworld';
import {goHttpbin} from './httpbin';
import {nginx} from './nginx';
import {envoyStats, ztunnelStats} from './proxy-stats';

export type {AppHandler, AppRequest, AppResponse} from './app';

/** the HTTP app each kind of image serves; images without one refuse connections */
export const APP_HANDLERS: Partial<Record<AppKind, AppHandler>> = {
  httpbin: goHttpbin,
  helloworld,
  nginx,
  'ztunnel-stats': ztunnelStats,
  'envoy-stats': envoyStats,
};
