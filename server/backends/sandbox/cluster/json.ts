import type {KubeObject} from '../api';

/** Free-form Kubernetes JSON (spec/status bodies). Controllers read it loosely, as the API server stores it. */
export type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form JSON

/** An object with its free-form parts typed loosely, so controllers can read `o.spec.template` without casts. */
export type Obj = KubeObject & J;

export const asObj = (o: KubeObject): Obj => o as Obj;

/** Stable JSON (sorted keys): for hashing templates and comparing what a controller would write. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as J)
      .filter((k) => (v as J)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as J)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
