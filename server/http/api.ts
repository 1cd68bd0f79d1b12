/** The JSON API under /api (the caller is already authorised): the learner's progress and the step manifests. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {locale as localeSchema} from '../../src/core/protocol/messages';
import type {LearnerId} from '../backends/types';
import type {ManifestIndex, ProgressStore} from '../engine/types';
import {sendError, sendJson} from './respond';

export interface ApiContext {
  learner: LearnerId;
  progress: ProgressStore;
  manifests: ManifestIndex;
}

export function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, 'method-not-allowed', 'the API is read-only: use GET', {Allow: 'GET, HEAD'});
  }
  switch (url.pathname) {
    case '/api/progress':
      return sendJson(res, 200, ctx.progress.snapshot(ctx.learner));
    case '/api/manifest': {
      const locale = localeSchema.safeParse(url.searchParams.get('locale') ?? 'en');
      if (!locale.success) return sendError(res, 400, 'bad-locale', 'locale must be "en" or "ko"');
      return sendJson(res, 200, ctx.manifests.pages(locale.data));
    }
    default:
      return sendError(res, 404, 'not-found', `no API endpoint ${url.pathname}`);
  }
}
