/**
 * The cluster picture of each learner, kept cheap: at most one kubectl in flight per learner (callers arriving
 * meanwhile share it) and a fresh answer reused for `cacheMs`, so a page polling, a dock refreshing after every
 * command and a second tab cost one kubectl a second at most.
 */
import type {ClusterPicture} from '../../src/core/protocol/cluster-picture';
import type {Backend, LearnerId} from '../backends/types';
import {pictureFromItems} from './classify';
import {readCluster} from './read-cluster';

export interface ClusterPictureOptions {
  /** reuse a picture this young (ms) */
  cacheMs: number;
  /** kubectl's time limit (ms) */
  timeoutMs: number;
  /** kubectl output limit (bytes) */
  maxBytes: number;
  now: () => number;
}

export const DEFAULT_CLUSTER_PICTURE_OPTIONS: ClusterPictureOptions = {
  cacheMs: 1_000,
  timeoutMs: 8_000,
  maxBytes: 32 * 1024 * 1024,
  now: Date.now,
};

interface Entry {
  at: number;
  picture: ClusterPicture;
}

export class ClusterPictureSource {
  private readonly options: ClusterPictureOptions;
  private readonly fresh = new Map<LearnerId, Entry>();
  private readonly inFlight = new Map<LearnerId, Promise<ClusterPicture>>();

  constructor(
    private readonly backend: Backend,
    options: Partial<ClusterPictureOptions> = {},
  ) {
    this.options = {...DEFAULT_CLUSTER_PICTURE_OPTIONS, ...options};
  }

  get(learner: LearnerId): Promise<ClusterPicture> {
    const cached = this.fresh.get(learner);
    if (cached && this.options.now() - cached.at < this.options.cacheMs) return Promise.resolve(cached.picture);
    let pending = this.inFlight.get(learner);
    if (!pending) {
      pending = this.read(learner).then((picture) => {
        this.fresh.set(learner, {at: this.options.now(), picture});
        return picture;
      });
      this.inFlight.set(learner, pending);
      void pending.finally(() => this.inFlight.delete(learner)).catch(() => {});
    }
    return pending;
  }

  private async read(learner: LearnerId): Promise<ClusterPicture> {
    const at = new Date(this.options.now()).toISOString();
    const {env, cwd} = await this.backend.shellEnvironment(learner);
    const result = await readCluster({env, cwd, timeoutMs: this.options.timeoutMs, maxBytes: this.options.maxBytes});
    // without a readable cluster there are no pods to highlight the path on
    const lastRequest = result.ok ? await this.backend.lastRequestPath?.(learner) : undefined;
    if (!result.ok) {
      return {
        at,
        backend: this.backend.name,
        unavailable: {code: result.code, message: result.message},
        nodes: [],
        unscheduled: [],
        namespaces: [],
      };
    }
    return {at, backend: this.backend.name, ...pictureFromItems(result.items), ...(lastRequest ? {lastRequest} : {})};
  }
}
