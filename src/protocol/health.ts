// The host, the webview and tests derive a level from a utilization through the engine's one
// health function (src/core/limiter/health.ts): a pure module with no imports, safe in the webview.
export { APPROACHING_AT, HEALTH_RANGE, healthOf, THROTTLED_AT, worstHealth } from '../core/limiter/health';
