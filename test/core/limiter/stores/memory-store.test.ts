import { MemoryStore } from '../../../../src/core/limiter/stores/memory-store';
import { runStoreContract } from '../store-contract';

runStoreContract('MemoryStore', { make: () => new MemoryStore() });
