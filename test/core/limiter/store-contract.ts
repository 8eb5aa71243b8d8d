import assert from 'node:assert/strict';
import type { LimiterStore } from '../../../src/core/limiter/store';

interface Counter {
  n: number;
  tags: string[];
}

/**
 * The behaviour every LimiterStore must have. A new store (Redis, file) runs this suite with
 * its own factory; the limiter relies on nothing else.
 */
export function runStoreContract(name: string, makeStore: () => Promise<LimiterStore> | LimiterStore): void {
  describe(`LimiterStore contract: ${name}`, () => {
    let store: LimiterStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('answers undefined for a key never written', async () => {
      assert.equal(await store.get('missing'), undefined);
    });

    it('passes undefined to the first update and keeps what it returns', async () => {
      const seen: Array<Counter | undefined> = [];
      const result = await store.update<Counter, string>('k', (s) => {
        seen.push(s);
        return { state: { n: 1, tags: ['a'] }, result: 'first' };
      });
      assert.equal(result, 'first');
      assert.deepEqual(seen, [undefined]);
      assert.deepEqual(await store.get<Counter>('k'), { n: 1, tags: ['a'] });
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
      assert.equal((await store.get<Counter>('k'))?.n, 50);
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
      assert.equal((await store.get<Counter>('k'))?.n, 1);
    });

    it('hands out copies: mutating what get or update saw changes nothing stored', async () => {
      const written: Counter = { n: 1, tags: ['a'] };
      await store.update<Counter, void>('k', () => ({ state: written, result: undefined }));
      written.tags.push('leak');
      const got = await store.get<Counter>('k');
      got!.tags.push('leak');
      assert.deepEqual(await store.get<Counter>('k'), { n: 1, tags: ['a'] });
    });

    it('keeps keys independent and deletes one without the other', async () => {
      await store.update<Counter, void>('a', () => ({ state: { n: 1, tags: [] }, result: undefined }));
      await store.update<Counter, void>('b', () => ({ state: { n: 2, tags: [] }, result: undefined }));
      await store.delete('a');
      assert.equal(await store.get('a'), undefined);
      assert.equal((await store.get<Counter>('b'))?.n, 2);
    });
  });
}
