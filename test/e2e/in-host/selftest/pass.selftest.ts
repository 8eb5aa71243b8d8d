// Harness self-check: a suite that must give exit code 0.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('harness self-check (passing)', () => {
  it('runs inside a VS Code extension host', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a workspace folder is open');
  });
});
