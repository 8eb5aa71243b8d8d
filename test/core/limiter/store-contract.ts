import assert from 'node:assert/strict';
import type { LimiterStore } from '../../../src/core/limiter/store';

interface Counter {
  n: number;
  tags: string[];
}

export interface StoreFactory {
  /** A fresh, empty store. */
  make(): Promise<LimiterStore> | LimiterStore;
  /** A second store over the same shared state (another process's view), when the store is shared. */
  peer?(): Promise<LimiterStore> | LimiterStore;
}

async function getState<T>(store: LimiterStore, key: string): Promise<T | undefined> {
  return (await store.read<T>(key)).state;
}

/**
 * The behaviour every LimiterStore must have. Each store (memory, local file, Redis) runs this
 * suite with its own factory; the limiter relies on nothing else.
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`LimiterStore contract: ${name}`, () => {
    const opened: LimiterStore[] = [];
    let store: LimiterStore;
    const open = async (make: () => Promise<LimiterStore> | LimiterStore) => {
      const s = await make();
      opened.push(s);
      return s;
    };
    beforeEach(async () => {
      store = await open(() => factory.make());
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.dispose()));
    });

    it('answers undefined for a key never written, with the store time', async () => {
      const before = Date.now();
      const { state, now } = await store.read('missing');
      assert.equal(state, undefined);
      assert.ok(Number.isFinite(now) && now > before - 60_000, `store time ${now}`);
    });

    it('passes undefined to the first update and keeps what it returns', async () => {
      const seen: Array<Counter | undefined> = [];
      const result = await store.update<Counter, string>('k', (s) => {
        seen.push(s);
        return { state: { n: 1, tags: ['a'] }, result: 'first' };
      });
      assert.equal(result, 'first');
      assert.deepEqual(seen, [undefined]);
      assert.deepEqual(await getState<Counter>(store, 'k'), { n: 1, tags: ['a'] });
    });

    it('hands the update the store time, never going back between updates', async () => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        await store.update<Counter, void>('k', (_s, now) => {
          times.push(now);
          return { state: { n: i, tags: [] }, result: undefined };
        });
      }
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `time went back: ${times.join(', ')}`);
    });

    it('never loses an update when many run at once', async () => {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.update<Counter, number>('k', (s) => {
            const n = (s?.n ?? 0) + 1;
            return { state: { n, tags: [] }, result: n };
          }),
        ),
      );
      assert.equal((await getState<Counter>(store, 'k'))?.n, 50);
    });

    it('writes nothing when the update function throws', async () => {
      await store.update<Counter, void>('k', () => ({ state: { n: 1, tags: [] }, result: undefined }));
      await assert.rejects(
        store.update<Counter, void>('k', (s) => {
          if (s) s.n = 99;
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await getState<Counter>(store, 'k'))?.n, 1);
    });

    it('hands out copies: mutating what read or update saw changes nothing stored', async () => {
      const written: Counter = { n: 1, tags: ['a'] };
      await store.update<Counter, void>('k', () => ({ state: written, result: undefined }));
      written.tags.push('leak');
      const got = await getState<Counter>(store, 'k');
      got!.tags.push('leak');
      assert.deepEqual(await getState<Counter>(store, 'k'), { n: 1, tags: ['a'] });
    });

    it('keeps keys independent and deletes one without the other', async () => {
      await store.update<Counter, void>('a', () => ({ state: { n: 1, tags: [] }, result: undefined }));
      await store.update<Counter, void>('b', () => ({ state: { n: 2, tags: [] }, result: undefined }));
      await store.delete('a');
      assert.equal(await getState(store, 'a'), undefined);
      assert.equal((await getState<Counter>(store, 'b'))?.n, 2);
    });

    if (factory.peer) {
      const peer = factory.peer.bind(factory);
      it('shares state with a peer store and never loses an update when both write at once', async () => {
        const other = await open(peer);
        const bump = (s: LimiterStore) =>
          s.update<Counter, number>('shared', (c) => ({ state: { n: (c?.n ?? 0) + 1, tags: [] }, result: 0 }));
        await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 === 0 ? store : other)));
        assert.equal((await getState<Counter>(store, 'shared'))?.n, 40);
        assert.equal((await getState<Counter>(other, 'shared'))?.n, 40);
      });

      it('runs a losing update again on the newer state, so its result reflects what was committed', async () => {
        const other = await open(peer);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : other).update<Counter, number>('seq', (c) => {
              const n = (c?.n ?? 0) + 1;
              return { state: { n, tags: [] }, result: n };
            }),
          ),
        );
        // Each committed update saw a distinct predecessor: results are exactly 1..20.
        assert.deepEqual(
          [...results].sort((a, b) => a - b),
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      });
    }
  });
}
