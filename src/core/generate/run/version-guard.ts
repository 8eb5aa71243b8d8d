import { ForgeError } from '../../errors';
import type { DatasetWriter } from '../output';
import { nameSlug } from '../prompt-file';
import type { PromptFile } from '../types';

type VersionSource = Pick<DatasetWriter, 'versionsOf' | 'batchesFrom' | 'unversioned'>;

export interface EarlierVersions {
  /** Committed records of this batch from other prompt versions, or of this file under another name. */
  earlier: number;
  /** Of those, records from sidecars that predate recorded versions. */
  unversioned: number;
  /** Committed records of this very version. */
  current: number;
}

/**
 * What the dataset holds of `file`'s batch, by version. Records of another batch written from this
 * same prompt file count as an earlier version too (the file's name changed, and with it every id).
 * Records from older sidecars carry no batch or version; they count as this batch's when they name
 * this prompt file or have the id shape this batch's ids had (`<slug>-<12 hex>`), since their ids
 * can never match the current ones.
 */
export function earlierVersions(file: PromptFile, writer: VersionSource): EarlierVersions {
  let earlier = 0;
  let current = 0;
  for (const [hash, n] of writer.versionsOf(file.name)) {
    if (hash === file.promptHash) current += n;
    else earlier += n;
  }
  for (const [batch, n] of writer.batchesFrom(file.path)) if (batch !== file.name) earlier += n;
  const idShape = new RegExp(`^${nameSlug(file.name)}-[0-9a-f]{12}$`);
  const unversioned = writer.unversioned().filter((e) => e.sourceFile === file.path || idShape.test(e.id)).length;
  return { earlier: earlier + unversioned, unversioned, current };
}

/**
 * Refuses to resume into a dataset that holds conversations of an earlier version of the same
 * batch and none of this one: the new ids would all be new, and the run would silently append a
 * second, different set next to the first. Once this version has records there (the user chose to
 * mix with `allowNewVersion`), resuming it needs no flag again.
 */
export function guardPromptVersion(file: PromptFile, datasetPath: string, writer: VersionSource, allowNewVersion: boolean): void {
  const found = earlierVersions(file, writer);
  if (found.earlier === 0 || found.current > 0 || allowNewVersion) return;
  const n = found.earlier;
  const conversations = `${n} conversation${n === 1 ? '' : 's'}`;
  const origin =
    found.unversioned === n
      ? `written from this prompt file (batch "${file.name}") before prompt versions were recorded, so they cannot be matched to this version`
      : `from an earlier version of this prompt file (now batch "${file.name}"; its name, prompt, system, variables, model, strategy, turns, max_tokens or output format differ)`;
  throw new ForgeError(
    'prompt_changed',
    `${file.path}: the dataset ${datasetPath} already holds ${conversations} ${origin}. ` +
      `Generating now would put ${file.count} conversations of the new version next to them. Nothing was generated. ` +
      `To start a separate dataset, point output.path at a new file; to append the new version's conversations ` +
      `alongside the earlier ones on purpose, generate it as a new version (\`convforge generate --new-version\`, or Generate as New Version in VS Code).`,
  );
}
