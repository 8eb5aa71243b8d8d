import * as vscode from 'vscode';

/** A dataset of the workspace, picked by the user; the journal and failure logs are not datasets. */
export async function pickDataset(placeHolder: string): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', 2000);
  const datasets = found.filter((u) => !/\.(meta|failed)\.jsonl$/.test(u.fsPath));
  if (datasets.length === 0) {
    void vscode.window.showInformationMessage('Conversation Forge: no *.jsonl dataset in this workspace.');
    return undefined;
  }
  const items = datasets
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.uri.fsPath;
}
