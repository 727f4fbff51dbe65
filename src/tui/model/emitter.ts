// The one way models tell views that something changed (k9s: views subscribe
// to models, never fetch). Listeners get the change; a throwing listener is
// reported, not allowed to break the model's other listeners.
export type Listener<T> = (change: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  onError: (e: unknown) => void = () => {};

  on(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(change: T): void {
    for (const l of [...this.listeners]) {
      try { l(change); } catch (e) { this.onError(e); }
    }
  }
}
