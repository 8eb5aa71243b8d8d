// Every VS Code DOM selector the harness uses, in one place. These are internal workbench
// markup (seen on VS Code 1.100 in code-server): when an upgrade breaks a test, fix it here.
import { EXTENSION_ID, STATUS_BAR_ITEM_ID } from '../../../src/vscode/ids';

export const SEL = {
  workbench: '.monaco-workbench',
  statusBar: '#workbench\\.parts\\.statusbar',
  /** The extension's status-bar item: `${publisher}.${name}.${item id}`. */
  statusItem: `[id="${EXTENSION_ID}.${STATUS_BAR_ITEM_ID}"]`,
  /** The clickable label inside a status-bar item. */
  statusItemLabel: '.statusbar-item-label',

  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputMessage: '.quick-input-widget .quick-input-message',

  /** Modal dialogs (errors of a command run from the palette show here). */
  dialog: '.monaco-dialog-box',

  notificationToast: '.notifications-toasts .notification-toast',
  notificationMessage: '.notification-list-item-message',

  editorTab: (name: string) => `.tabs-container .tab[aria-label^="${name}"]`,
  activeEditorTab: '.tabs-container .tab.active',
  editorLines: '.monaco-editor .view-lines',

  panel: '#workbench\\.parts\\.panel',
  problemsRow: '.markers-panel .monaco-list-row',
  problemsMessage: '.marker-message-details, .marker-message',
  outputEditor: '.output-view .monaco-editor .view-lines',

  /** Webview: the outer iframe the workbench creates, then the content frame inside it. */
  webviewFrame: 'iframe.webview.ready',
  webviewContentFrame: '#active-frame',
} as const;

/** Theme colours a status-bar item may get; code-server paints them as an inline background colour. */
export const STATUS_BACKGROUND = {
  warning: 'statusBarItem.warningBackground',
  error: 'statusBarItem.errorBackground',
} as const;
