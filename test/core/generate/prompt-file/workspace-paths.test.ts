import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPromptFiles, formatDiagnostic, parsePromptFile, validatePromptFiles } from '../../../../src/core/generate/prompt-file';
import { optionsFor } from './helpers';

const BODY = 'model: claude-haiku-5-5\ncount: 2\nprompt: Hello\n';

describe('prompt files: workspace, cross-file checks and discovery', () => {
  let tmp: string;
  let ws: string;
  const write = (rel: string, text = BODY) => {
    const file = path.join(ws, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-prompt-files-')));
    ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const outputError = (file: string, output: string) => {
    const result = parsePromptFile(`${BODY}output:\n  path: ${output}\n`, optionsFor(file, ws));
    return result.ok ? undefined : result.diagnostics.find((d) => d.field === 'output.path');
  };

  it('rejects ../../etc and absolute paths outside the workspace, accepts paths inside', () => {
    const file = write('prompts/a.forge.yaml');
    assert.match(outputError(file, '../../etc/x.jsonl')?.message ?? '', /inside the workspace, got "..\/..\/etc\/x.jsonl"/);
    assert.match(outputError(file, '/etc/x.jsonl')?.message ?? '', /inside the workspace/);
    assert.equal(outputError(file, '../data/x.jsonl'), undefined);
    assert.equal(outputError(file, path.join(ws, 'data', 'abs.jsonl')), undefined);
  });

  it('rejects a path that leaves the workspace through a symbolic link', () => {
    fs.mkdirSync(path.join(tmp, 'outside'));
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(ws, 'linked'));
    fs.symlinkSync(path.join(tmp, 'outside', 'nowhere.jsonl'), path.join(ws, 'dangling.jsonl'));
    const file = write('a.forge.yaml');
    assert.match(outputError(file, 'linked/deeper/x.jsonl')?.message ?? '', /leads outside it through a symbolic link/);
    assert.match(outputError(file, 'dangling.jsonl')?.message ?? '', /leads outside it through a symbolic link/);
  });

  it('reports duplicate batch names and shared outputs on every file involved, naming the other', () => {
    const a = write('a.forge.yaml', `name: same\n${BODY}output:\n  path: out.jsonl\n`);
    const b = write('sub/b.forge.yaml', `name: same\n${BODY}output:\n  path: ../out.jsonl\n`);
    const c = write('c.forge.yaml');
    const result = validatePromptFiles(
      [a, b, c].map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') })),
      optionsFor('', ws),
    );
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.files.map((f) => f.name),
      ['c'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => formatDiagnostic(d, ws)),
      [
        'a.forge.yaml:1:7: name: batch name "same" is also used by sub/b.forge.yaml: expected a name unique across prompt files (set name: to tell them apart)',
        'a.forge.yaml:6:9: output.path: expected a dataset file of its own, got the same file as sub/b.forge.yaml (out.jsonl)',
        'sub/b.forge.yaml:1:7: name: batch name "same" is also used by a.forge.yaml: expected a name unique across prompt files (set name: to tell them apart)',
        'sub/b.forge.yaml:6:9: output.path: expected a dataset file of its own, got the same file as a.forge.yaml (out.jsonl)',
      ],
    );
  });

  it('two files named alike in different folders clash by their default names', () => {
    const a = write('x/same.forge.yaml');
    const b = write('y/same.forge.yaml');
    const result = validatePromptFiles(
      [a, b].map((p) => ({ path: p, text: BODY })),
      optionsFor('', ws),
    );
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.line}:${d.column} ${d.field}`),
      ['1:1 name', '1:1 name'],
    );
  });

  it('finds files, directories and globs; dedupes and sorts; skips node_modules and dot-folders', async () => {
    const a = write('p/a.forge.yaml');
    const b = write('p/deep/er/b.forge.yaml');
    write('p/notes.md', 'x');
    write('p/node_modules/c.forge.yaml');
    write('p/.hidden/d.forge.yaml');
    const e = write('q/e.forge.yaml');
    const found = await findPromptFiles(['p', 'p/**/*.forge.yaml', 'q/*.forge.yaml', 'p/a.forge.yaml'], ws);
    assert.deepEqual(found, { files: [a, b, e].sort(), problems: [] });
    assert.deepEqual((await findPromptFiles(['p/*.forge.yaml'], ws)).files, [a]);
    assert.deepEqual((await findPromptFiles(['**/b.forge.yaml'], ws)).files, [b]);
  });

  it('says clearly when an input matches nothing', async () => {
    write('empty-dir/readme.md', 'x');
    const found = await findPromptFiles(['missing.forge.yaml', 'nothing/**/*.forge.yaml', 'empty-dir'], ws);
    assert.deepEqual(found.files, []);
    assert.deepEqual(
      found.problems.map((p) => p.message.split(':').slice(1).join(':').trim()),
      ['no such file or directory', `matches no files (relative to ${ws})`, 'no *.forge.yaml files in this directory'],
    );
  });
});
