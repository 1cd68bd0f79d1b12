import {BUILTIN_RESOURCES} from './builtin-resources';
import type {KubeObject, PrinterColumn, ResourceType, Verb} from './types';

const CRD_VERBS: Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/**
 * The resource types one sandbox serves: the built-ins plus whatever its CRDs define.
 * Objects are stored per group/resource whatever version they were written in, like the real storage layer.
 */
export class TypeRegistry {
  private readonly types: ResourceType[] = [...BUILTIN_RESOURCES];
  /** CRD name → the types it added, so deleting or updating the CRD removes exactly those */
  private readonly fromCrd = new Map<string, ResourceType[]>();

  all(): readonly ResourceType[] {
    return this.types;
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.resource === resource);
  }

  /** any version of group/resource: the storage identity */
  anyVersion(group: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.resource === resource);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /**
   * Group names with their versions (preferred version first), in the order the real discovery lists them: built-in
   * groups first (registered in the API server's priority order), then CRD groups. Every CRD group has the same
   * GroupPriorityMinimum (1000) and the aggregator breaks ties by name — which decides what a short resource name
   * means to kubectl: with both Istio and Gateway API installed, `kubectl get gateway` is gateway.networking.k8s.io.
   */
  groups(): {name: string; versions: string[]}[] {
    const builtin: {name: string; versions: string[]}[] = [];
    const custom: {name: string; versions: string[]}[] = [];
    for (const t of this.types) {
      const list = t.custom ? custom : builtin;
      let g = builtin.find((x) => x.name === t.group) ?? custom.find((x) => x.name === t.group);
      if (!g) list.push((g = {name: t.group, versions: []}));
      if (!g.versions.includes(t.version)) g.versions.push(t.version);
    }
    custom.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...builtin, ...custom];
  }

  /** (Re)register the types a CustomResourceDefinition defines; an incomplete spec registers nothing. */
  applyCrd(crd: KubeObject): void {
    this.removeCrd(String(crd.metadata.name));
    const spec = (crd.spec ?? {}) as CrdSpec;
    if (!spec.group || !spec.names?.plural || !spec.names.kind) return;
    const added: ResourceType[] = [];
    for (const v of spec.versions ?? []) {
      if (v.served === false || !v.name) continue;
      added.push({
        group: spec.group,
        version: v.name,
        resource: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        namespaced: spec.scope !== 'Cluster',
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        verbs: CRD_VERBS,
        subresources: [...(v.subresources?.status ? ['status'] : []), ...(v.subresources?.scale ? ['scale'] : [])],
        printerColumns: printerColumns(v.additionalPrinterColumns),
        custom: true,
        schema: v.schema?.openAPIV3Schema,
      });
    }
    this.fromCrd.set(String(crd.metadata.name), added);
    this.types.push(...added);
  }

  removeCrd(name: string): ResourceType[] {
    const old = this.fromCrd.get(name) ?? [];
    for (const t of old) this.types.splice(this.types.indexOf(t), 1);
    this.fromCrd.delete(name);
    return old;
  }
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: {
    name?: string;
    served?: boolean;
    storage?: boolean;
    subresources?: {status?: unknown; scale?: unknown};
    additionalPrinterColumns?: PrinterColumnSpec[];
    schema?: {openAPIV3Schema?: unknown};
  }[];
}

/** apiextensions defaults the columns to a single Age column when a version lists none */
type PrinterColumnSpec = {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
};

function printerColumns(cols: PrinterColumnSpec[] | undefined): PrinterColumn[] {
  if (!cols || cols.length === 0) return [{name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'}];
  return cols.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format,
    description: c.description,
    priority: c.priority ?? 0,
    jsonPath: c.jsonPath,
  }));
}
