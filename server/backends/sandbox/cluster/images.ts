import {createHash, randomBytes} from 'node:crypto';
import {REPORTED} from './timings';

/** How containerd names what a pod asked for: "nginx:1.27" → "docker.io/library/nginx:1.27". */
export function fullImageName(image: string): string {
  const [path, digest] = image.split('@') as [string, string | undefined];
  const first = path.split('/')[0]!;
  const hasRegistry = path.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasRegistry ? path : path.includes('/') ? `docker.io/${path}` : `docker.io/library/${path}`;
  const last = name.split('/').pop()!;
  if (!digest && !last.includes(':')) name += ':latest';
  return digest ? `${name}@${digest}` : name;
}

const digestOf = (s: string) => createHash('sha256').update(s).digest('hex');

/** repo@sha256:…, stable per image, as containerStatuses[].imageID shows it */
export function imageID(image: string): string {
  const full = fullImageName(image);
  if (full.includes('@')) return full;
  return `${full.slice(0, full.lastIndexOf(':'))}@sha256:${digestOf(full)}`;
}

export const containerID = (): string => `containerd://${randomBytes(32).toString('hex')}`;

/** what the pull reports: the same plausible duration and size for the same image, every time */
export function pullReport(image: string): {seconds: string; bytes: number} {
  const h = parseInt(digestOf(`pull:${image}`).slice(0, 8), 16);
  const [lo, hi] = REPORTED.imagePullSeconds;
  const seconds = (lo + ((h % 10_000) / 10_000) * (hi - lo)).toFixed(3).replace(/\.?0+$/, '');
  return {seconds: `${seconds}s`, bytes: 8_000_000 + (h % 140_000_000)};
}
