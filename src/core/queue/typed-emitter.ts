/** Something that holds a resource or subscription until disposed. */
export interface Disposable {
  dispose(): void;
}

type Listener<E> = (event: E) => void;

/**
 * A minimal typed event emitter. Events are notifications only: listener return values are
 * ignored and a throwing listener neither stops the others nor the emitter's owner.
 */
export class TypedEmitter<M extends { [K in keyof M]: unknown }> implements Disposable {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on<K extends keyof M>(type: K, listener: Listener<M[K]>): Disposable {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const entry = listener as Listener<never>;
    set.add(entry);
    return { dispose: () => void set.delete(entry) };
  }

  emit<K extends keyof M>(type: K, event: M[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  listenerCount(type: keyof M): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
