/**
 * The JSON API under /api (the caller is already authorised): the learner's progress, the step manifests and the
 * picture of the learner's cluster.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {locale as localeSchema, PROTOCOL_VERSION, type LabStatusBody} from '../../src/core/protocol/messages';
import type {BackendName, LearnerId} from '../backends/types';
import type {ClusterPictureSource} from '../cluster-picture/picture-source';
import type {ManifestIndex, ProgressStore} from '../engine/types';
import {sendError, sendJson} from './respond';

export interface ApiContext {
  learner: LearnerId;
  role: 'learner' | 'instructor' | 'attendee';
  backend: BackendName;
  progress: ProgressStore;
  manifests: ManifestIndex;
  cluster: ClusterPictureSource;
}

export function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'method-not-allowed', 'the API is read-only: use GET', {Allow: 'GET, HEAD'});
  }
  switch (url.pathname) {
    case '/api/status': {
      // the page asks this when its WebSocket will not open: 200 here means the token is good (a 401 would not be)
      const status: LabStatusBody = {backend: ctx.backend, protocol: PROTOCOL_VERSION, role: ctx.role};
      return sendJson(res, 200, status);
    }
    case '/api/progress':
      return sendJson(res, 200, ctx.progress.snapshot(ctx.learner));
    case '/api/manifest': {
      const locale = localeSchema.safeParse(url.searchParams.get('locale') ?? 'en');
      if (!locale.success) return sendError(res, 400, 'bad-locale', 'locale must be "en" or "ko"');
      return sendJson(res, 200, ctx.manifests.pages(locale.data));
    }
    case '/api/cluster':
      // kubectl failing is part of the picture (`unavailable`); only our own fault is a 500
      ctx.cluster.get(ctx.learner).then(
        (picture) => sendJson(res, 200, picture),
        (err: unknown) =>
          sendError(
            res,
            500,
            'internal',
            `could not read the cluster: ${err instanceof Error ? err.message : String(err)}`,
          ),
      );
      return;
    default:
      return sendError(res, 404, 'not-found', `no API endpoint ${url.pathname}`);
  }
}
