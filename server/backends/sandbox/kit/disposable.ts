/** What owns a resource (a timer, a watch, a stream, a hook) has dispose(), which undoes what it set up. */
export interface Disposable {
  dispose(): void;
}
