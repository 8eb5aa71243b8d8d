import { MemoryStore } from '../../../../src/core/limiter/stores/memory-store';
import { FakeClock } from '../../../support/fake-clock';
import { AsyncStore } from '../async-store';
import { runLeaseContract } from '../lease-contract';
import { runStoreContract } from '../store-contract';

runStoreContract('MemoryStore', { make: () => new MemoryStore() });

runLeaseContract(
  'MemoryStore (in place)',
  () => {
    const clock = new FakeClock(0);
    const store = new MemoryStore(clock);
    return { store, peer: () => store, pass: (ms) => clock.advance(ms), manualTime: true };
  },
  { inProcess: true },
);

runLeaseContract('MemoryStore behind a copying async interface', () => {
  const clock = new FakeClock(0);
  const store = new AsyncStore(new MemoryStore(clock));
  return { store, peer: () => new AsyncStore(store.inner), pass: (ms) => clock.advance(ms), manualTime: true };
});
