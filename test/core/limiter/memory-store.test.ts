import { MemoryStore } from '../../../src/core/limiter/store';
import { runStoreContract } from './store-contract';

runStoreContract('MemoryStore', () => new MemoryStore());
