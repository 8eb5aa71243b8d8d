import { formatDiagnostic } from '../core/generate/prompt-file';
import { datasetPathFor } from '../core/generate/run/dataset-path';
import { classify, redact } from '../core/errors';
import { systemClock } from '../core/clock';
import { countsText } from '../core/message-batches/describe';
import { listMessageBatches, type ListedMessageBatch } from '../core/message-batches/list-message-batches';
import { messageBatchJournalPath, readMessageBatchJournal } from '../core/message-batches/message-batch-journal';
import { apiEndpoint, createMessageBatchApiFor } from '../engine';
import { EXIT, UsageError, type CliArgs } from './args';
import type { CliIo } from './commands';
import { duration, relative } from './format';
import { loadPromptFiles } from './load';

function line(b: ListedMessageBatch, now: number, cwd: string): string {
  const status = b.collected ? 'ended, collected' : b.status;
  const expiry = b.expiresAt !== undefined && b.status !== 'ended' ? `, expires in ${duration(b.expiresAt - now)}` : '';
  const problem = b.problem ? ` (live status unavailable: ${b.problem})` : '';
  return `${b.id ?? '(creating…)'}  ${relative(cwd, b.file)}  ${status}  ${b.requests} request(s): ${countsText(b)}  submitted ${duration(now - b.submittedAt)} ago${expiry}${problem}`;
}

/**
 * `convforge batches`: the Message Batches of the given prompt files, from their datasets'
 * sidecars and one retrieve per batch not yet collected; `--cancel ID` / `--cancel-all` cancel at
 * Anthropic. Cancelling writes nothing locally: the next generate collects what the batch finished
 * and submits the rest again, as it would after any cancelled run.
 */
export async function batchesCommand(args: CliArgs, io: CliIo): Promise<number> {
  const loaded = await loadPromptFiles(args.inputs, io.cwd);
  for (const p of loaded.problems) io.stderr.write(`${p}\n`);
  for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(d, io.cwd)}\n`);
  if (!loaded.ok) return EXIT.usage;
  const apiKey = io.env['ANTHROPIC_API_KEY']?.trim();
  if (!apiKey) throw new UsageError('ANTHROPIC_API_KEY is not set: the Message Batches are looked up with your API key');
  const baseURL = io.env['ANTHROPIC_BASE_URL']?.trim();
  const api = createMessageBatchApiFor(apiEndpoint(apiKey, baseURL || undefined).endpoint);
  const now = systemClock.now();
  const listed: ListedMessageBatch[] = [];
  try {
    for (const file of loaded.files) {
      const dataset = datasetPathFor(file, args.out !== undefined ? { outDir: args.out } : {});
      const state = readMessageBatchJournal(messageBatchJournalPath(dataset));
      if (state) listed.push(...(await listMessageBatches(state, file.name, file.path, api)));
    }
    const targets = args.cancelAll
      ? listed.filter((b) => b.id !== undefined && !b.collected && b.status === 'in_progress')
      : args.cancel !== undefined
        ? listed.filter((b) => b.id === args.cancel)
        : [];
    if (args.cancel !== undefined && targets.length === 0) {
      io.stderr.write(
        `convforge: no Message Batch ${args.cancel} in these prompt files' journals (run \`convforge batches\` with the same files to list them)\n`,
      );
      return EXIT.usage;
    }
    for (const t of targets) {
      const after = await api.cancel(t.id!);
      io.stderr.write(`cancelled ${t.id} (now ${after.status}); the next generate collects what it finished and submits the rest again\n`);
    }
    if (args.json) {
      const shown = listed.map((b) => ({ ...b, file: relative(io.cwd, b.file) }));
      io.stdout.write(JSON.stringify({ messageBatches: shown, cancelled: targets.map((t) => t.id) }) + '\n');
      return EXIT.ok;
    }
    if (listed.length === 0) {
      io.stdout.write('No Message Batches for these prompt files.\n');
      return EXIT.ok;
    }
    for (const b of listed) io.stdout.write(`${line(b, now, io.cwd)}\n`);
    const processing = listed.filter((b) => !b.collected).length;
    io.stdout.write(
      `${listed.length} Message Batch(es), ${processing} not yet collected` +
        (processing > 0 ? ': run `convforge generate` on the same files to wait for them and write their results' : '') +
        '\n',
    );
    return EXIT.ok;
  } catch (e) {
    io.stderr.write(`convforge: ${redact(classify(e).message)}\n`);
    return EXIT.someFailed;
  }
}
