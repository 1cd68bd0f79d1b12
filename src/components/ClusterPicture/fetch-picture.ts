/**
 * One read of `GET /api/cluster`, validated against the protocol's schema: a server of another version (or a
 * proxy's error page) shows as a readable failure, never as a half-drawn picture.
 */
import {clusterPicture, type ClusterPicture} from '@site/src/core/protocol/cluster-picture';

export type PictureFailure = 'signed-out' | 'no-server' | 'bad-answer';

export type PictureRead = {ok: true; picture: ClusterPicture} | {ok: false; failure: PictureFailure; detail: string};

export async function fetchClusterPicture(signal?: AbortSignal): Promise<PictureRead> {
  let res: Response;
  try {
    // the token cookie set at login authorises it (same origin)
    res = await fetch('/api/cluster', {credentials: 'same-origin', cache: 'no-store', signal});
  } catch (e) {
    if (signal?.aborted) throw e;
    return {ok: false, failure: 'no-server', detail: e instanceof Error ? e.message : String(e)};
  }
  // read a refusal's body too: Chromium does not finish a fetch whose body nobody reads (see Workshop/info.ts)
  if (!res.ok) await res.text().catch(() => '');
  if (res.status === 401 || res.status === 403) return {ok: false, failure: 'signed-out', detail: `HTTP ${res.status}`};
  if (!res.ok)
    return {ok: false, failure: res.status === 404 ? 'no-server' : 'bad-answer', detail: `HTTP ${res.status}`};
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return {ok: false, failure: 'bad-answer', detail: 'not JSON'};
  }
  const parsed = clusterPicture.safeParse(body);
  if (!parsed.success)
    return {ok: false, failure: 'bad-answer', detail: parsed.error.issues[0]?.message ?? 'unexpected shape'};
  return {ok: true, picture: parsed.data};
}
