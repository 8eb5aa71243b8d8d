// The status-bar item over the real VS Code API: thin. Behaviour in status-bar-presenter.ts,
// rendering in status-bar-render.ts (both tested without VS Code).
import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import { COMMANDS, STATUS_BAR_ITEM_ID } from '../ids';
import { StatusBarPresenter, type StatusItemPort, type StatusSource } from './status-bar-presenter';

export const STATUS_BAR_NAME = 'Conversation Forge';

export function createStatusBar(source: StatusSource, clock: Clock): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
  item.name = STATUS_BAR_NAME;
  item.command = COMMANDS.showPanel.id;
  const port: StatusItemPort = {
    show(r) {
      item.text = r.text;
      item.backgroundColor = r.background ? new vscode.ThemeColor(r.background) : undefined;
      const tooltip = new vscode.MarkdownString(r.tooltip, true);
      // Trusted for our command links only.
      tooltip.isTrusted = { enabledCommands: [...r.enabledCommands] };
      item.tooltip = tooltip;
      item.accessibilityInformation = { label: r.ariaLabel };
      item.show();
    },
    hide: () => item.hide(),
    dispose: () => item.dispose(),
  };
  const presenter = new StatusBarPresenter(source, clock, port);
  return new vscode.Disposable(() => presenter.dispose());
}
