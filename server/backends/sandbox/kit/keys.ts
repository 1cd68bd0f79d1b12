/** "ns/name" (namespaced) or "name" (cluster-scoped): the key a work queue carries and a store addresses. */
export function keyOf(o: {metadata: {namespace?: string; name?: string}}): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : String(o.metadata.name);
}

/** keyOf, undone */
export function splitKey(key: string): {namespace: string | undefined; name: string} {
  const i = key.indexOf('/');
  return i < 0 ? {namespace: undefined, name: key} : {namespace: key.slice(0, i), name: key.slice(i + 1)};
}
