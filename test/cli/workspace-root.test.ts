import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceRootOf } from '../../src/core/generate/prompt-file/workspace-root';
import { cli, tempWorkspace } from './support';

const FILE = (output: string) => `model: claude-haiku-5-5\ncount: 2\nprompt: Hello\noutput:\n  path: ${output}\n`;

describe('convforge: the workspace does not depend on the current directory', () => {
  it("is the nearest folder with a marker above the prompt file, else the file's own folder", () => {
    const dir = tempWorkspace({
      'proj/.git/HEAD': 'ref',
      'proj/prompts/deep/a.forge.yaml': FILE('x.jsonl'),
      'loose/b.forge.yaml': FILE('x.jsonl'),
    });
    assert.equal(workspaceRootOf(path.join(dir, 'proj/prompts/deep/a.forge.yaml')), path.join(dir, 'proj'));
    // tempWorkspace lives in the OS temp folder, which holds no marker above it.
    assert.equal(workspaceRootOf(path.join(dir, 'loose/b.forge.yaml')), path.join(dir, 'loose'));
  });

  it('accepts or refuses an output.path the same way from any current directory', async () => {
    const dir = tempWorkspace({
      'proj/.convforge': '',
      'proj/prompts/ok.forge.yaml': FILE('../datasets/ok.jsonl'),
      'proj/prompts/escapes.forge.yaml': FILE('../../outside.jsonl'),
    });
    for (const cwd of [dir, path.join(dir, 'proj'), path.join(dir, 'proj/prompts')]) {
      const ok = await cli(['validate', path.join(dir, 'proj/prompts/ok.forge.yaml')], cwd);
      assert.equal(ok.code, 0, `from ${cwd}: ${ok.stderr}`);
      const bad = await cli(['validate', path.join(dir, 'proj/prompts/escapes.forge.yaml')], cwd);
      assert.equal(bad.code, 2, `from ${cwd}`);
      assert.match(bad.stderr, /output\.path: expected a path inside the workspace, got "..\/..\/outside.jsonl"/);
    }
    assert.equal(fs.existsSync(path.join(dir, 'outside.jsonl')), false);
  });
});
