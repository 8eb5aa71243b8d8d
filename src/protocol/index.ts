export * from './messages';
export { isHostMessage, isWebviewMessage } from './guards';
export { isPanelState, isJobsPage } from './state-guards';
export { healthOf, worstHealth, APPROACHING_AT, THROTTLED_AT } from './health';
export { approxDuration, perMinute, secondsText, timeLeftText, NOT_KNOWN_YET } from './time-format';
export * from './viewer-messages';
export {
  isViewerHostMessage,
  isViewerWebviewMessage,
  isViewerQuery,
  isReportHostMessage,
  isReportWebviewMessage,
  isReportView,
} from './viewer-guards';
