/**
 * The extension's public identifiers, in one place: package.json's `contributes`, the adapters and
 * the real-host tests all use these (a unit test checks package.json against them).
 */
export const EXTENSION_ID = 'conversation-forge.conversation-forge';
export const CATEGORY = 'Conversation Forge';

export const COMMANDS = {
  generateCurrent: { id: 'convforge.generateCurrent', title: 'Generate from Current Prompt File' },
  generateWorkspace: { id: 'convforge.generateWorkspace', title: 'Generate from Workspace Prompt Files…' },
  generateAsMessageBatch: { id: 'convforge.generateAsMessageBatch', title: 'Generate as Message Batch' },
  estimate: { id: 'convforge.estimate', title: 'Estimate Cost' },
  validate: { id: 'convforge.validate', title: 'Validate Prompt Files' },
  newPromptFile: { id: 'convforge.newPromptFile', title: 'New Prompt File' },
  pause: { id: 'convforge.pause', title: 'Pause' },
  resume: { id: 'convforge.resume', title: 'Resume' },
  cancel: { id: 'convforge.cancel', title: 'Cancel' },
  retryFailed: { id: 'convforge.retryFailed', title: 'Retry Failed' },
  showPanel: { id: 'convforge.showPanel', title: 'Show Queue Panel' },
  setApiKey: { id: 'convforge.setApiKey', title: 'Set API Key' },
  clearApiKey: { id: 'convforge.clearApiKey', title: 'Clear API Key' },
  useSimulator: { id: 'convforge.useSimulator', title: 'Use Built-in Simulator' },
  findDuplicates: { id: 'convforge.findDuplicates', title: 'Find Duplicates…' },
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The dataset viewer's and report's commands (registered by src/vscode/dataset-viewer, not createCommands). */
export const DATASET_COMMANDS = {
  openViewer: { id: 'convforge.openDatasetViewer', title: 'Open in Dataset Viewer' },
  showReport: { id: 'convforge.showDatasetReport', title: 'Show Dataset Report' },
} as const;

/** The custom editor (package.json `customEditors`) and the report panel. */
export const VIEWER_VIEW_TYPE = 'convforge.datasetViewer';
export const REPORT_VIEW_TYPE = 'convforge.datasetReport';

/** `createStatusBarItem(STATUS_BAR_ITEM_ID, …)`; in the DOM: `[id="${EXTENSION_ID}.${STATUS_BAR_ITEM_ID}"]`. */
export const STATUS_BAR_ITEM_ID = 'convforge.status';
export const PANEL_VIEW_TYPE = 'convforge.queuePanel';
export const OUTPUT_CHANNEL_NAME = 'Conversation Forge';
export const SECRET_KEY = 'conversationForge.anthropicApiKey';
export const CONFIG_SECTION = 'conversationForge';
export const PROMPT_FILE_GLOB = '**/*.forge.yaml';
