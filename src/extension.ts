import type * as vscode from 'vscode';

// Wiring only; the adapters arrive with the extension issue.
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
