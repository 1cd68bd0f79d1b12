import {age} from './human-duration';
import {jsonPathValues} from './jsonpath';
import {printersFor, type Column} from './printers';
import type {KubeObject, ResourceType} from './types';

/**
 * Server-side printing: kubectl asks for `as=Table` and prints the cells verbatim, so ages are text here.
 * Every row carries the object's metadata, which kubectl needs for -A (NAMESPACE) and -L (label columns).
 */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: {resourceVersion?: string};
  columnDefinitions: TableColumnDefinition[];
  rows: {cells: unknown[]; object?: unknown}[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function columnsFor(type: ResourceType): Column[] {
  if (!type.custom) return printersFor(type.resource);
  const cols: Column[] = [{name: 'Name', cell: (o) => o.metadata?.name}];
  for (const c of type.printerColumns ?? []) {
    cols.push({
      name: c.name,
      type: c.type,
      priority: c.priority ?? 0,
      cell: (o, now) => {
        const vals = jsonPathValues(o, c.jsonPath);
        if (vals.length === 0) return null;
        if (c.type === 'date') return typeof vals[0] === 'string' ? age(vals[0], now) : null;
        // only the first match, as the API server's tableconvertor ("we can assume to have only one result"):
        // a Gateway with several addresses shows the first
        const v = vals[0];
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      },
    });
  }
  return cols;
}

function definition(c: Column): TableColumnDefinition {
  const isName = c.name === 'Name';
  return {
    name: c.name,
    type:
      c.type === 'date'
        ? 'date'
        : c.type === 'integer' || c.type === 'number' || c.type === 'boolean'
          ? c.type
          : 'string',
    format: isName ? 'name' : '',
    description: isName ? 'Name must be unique within a namespace.' : '',
    priority: c.priority ?? 0,
  };
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata};
}

export function toTable(
  type: ResourceType,
  items: KubeObject[],
  opts: {now: Date; resourceVersion?: string; include?: IncludeObject; noHeaders?: boolean},
): Table {
  const cols = columnsFor(type);
  const include = opts.include ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? {resourceVersion: opts.resourceVersion} : {},
    columnDefinitions: opts.noHeaders ? [] : cols.map(definition),
    rows: items.map((o) => {
      const row: Table['rows'][number] = {cells: cols.map((c) => safeCell(c, o, opts.now))};
      const obj = rowObject(o, include);
      if (obj !== undefined) row.object = obj;
      return row;
    }),
  };
}

/** a printer meeting an odd object must not fail the whole list */
function safeCell(c: Column, o: KubeObject, now: Date): unknown {
  try {
    const v = c.cell(o, now);
    return v === undefined ? '' : v;
  } catch {
    return '<unknown>';
  }
}
