/** Faults the simulator can inject, by rate or by script. */
export const FAULT_KINDS = [
  'rate_limit_storm',
  'overloaded',
  'server_error',
  'connection_reset',
  'midstream_overload',
  'spend_cap',
  'ramp_limit',
  'slow',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
