import { createHash } from 'node:crypto';

/**
 * The Redis store's two Lua scripts. Each update is one compare-and-set script: the decision itself
 * stays in TypeScript (transitions.ts), so the memory, local and Redis stores run the very same
 * logic and the limiter's learning can change without a Lua twin to keep in step. Time is the
 * server's `TIME`, returned with every read, so clients' clocks never enter the state.
 *
 * A key is a hash with `s` (the state, JSON) and `v` (its version, counting writes).
 */

/** KEYS[1] -> { state or '', version, seconds, microseconds } */
export const READ_SCRIPT = `
local t = redis.call('TIME')
local v = redis.call('HMGET', KEYS[1], 's', 'v')
return { v[1] or '', v[2] or '0', t[1], t[2] }
`;

/**
 * KEYS[1], ARGV = { expected version, new state, idle expiry ms }
 * -> { 1 } when written; else { 0, state, version, seconds, microseconds }: what won, to retry on
 * without another round trip.
 */
export const CAS_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v == ARGV[1] then
  redis.call('HSET', KEYS[1], 's', ARGV[2], 'v', tostring(tonumber(v) + 1))
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return { 1 }
end
local t = redis.call('TIME')
return { 0, redis.call('HGET', KEYS[1], 's') or '', v, t[1], t[2] }
`;

export function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}
