import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { classify } from '../../core/errors';
import { dropDuplicates, findDuplicates, markDuplicates, type DuplicateSearch } from '../../core/dataset/duplicate-marks';
import { datasetPathFor } from '../../core/generate/run/dataset-path';
import { PREFIX, type CommandHandlers, type CommandKit } from './command-kit';

type Action = 'drop' | 'regenerate' | 'keep';

/**
 * Find Duplicates…: the datasets of the workspace's prompt files to search, then what to do with
 * what was found. Thin: finding, marking, dropping and regenerating are the engine's (core/dataset).
 */
export function datasetCommands(kit: CommandKit): Pick<CommandHandlers, 'findDuplicates'> {
  const { deps, rel } = kit;
  const { ui, controller, log } = deps;
  return {
    async findDuplicates() {
      const validated = await deps.diagnostics.refresh([]);
      const simulated = deps.config.current.useSimulator;
      const datasets = [
        ...new Set(
          validated.files.flatMap((f) => [datasetPathFor(f), datasetPathFor(f, { simulated: true })]).filter((d) => existsSync(d)),
        ),
      ];
      if (datasets.length === 0) {
        void ui.info(`${PREFIX}no datasets yet: generate from a prompt file first.`);
        return;
      }
      // Read when the command runs, so a changed setting applies to the next search.
      const threshold = deps.config.current.duplicateThreshold;
      const chosen = await ui.pickMany(
        datasets.map((d) => ({ label: rel(d), value: d, picked: d.endsWith('.simulated.jsonl') === simulated })),
        {
          title: `Find Duplicates: datasets to search together (Jaccard ≥ ${threshold})`,
          placeHolder: `Near-duplicates at Jaccard ≥ ${threshold} are found across the chosen datasets (setting conversationForge.duplicateThreshold)`,
        },
      );
      if (!chosen || chosen.length === 0) return;
      // A background marking after a run would meet this one's marks and drops at the datasets' locks:
      // it stops (appending nothing) and its datasets are marked again after the next run.
      await controller.marking.supersede();
      let search: DuplicateSearch;
      try {
        search = await ui.withProgress({ title: `${PREFIX}finding duplicates`, cancellable: false }, async () => {
          const found = await findDuplicates(chosen, threshold);
          await markDuplicates(found);
          return found;
        });
      } catch (error) {
        void ui.error(`${PREFIX}finding duplicates failed: ${classify(error).message}`);
        return;
      }
      log.info(
        `duplicates at Jaccard ≥ ${search.threshold}: ${search.found.length} of ${search.conversations} conversations, marked in the journal`,
      );
      for (const f of search.found)
        log.info(`  ${rel(f.dataset)}:${f.line} ${f.id} duplicates ${f.of} (${f.exact ? 'exact' : f.similarity.toFixed(2)})`);
      if (search.found.length === 0) {
        void ui.info(`${PREFIX}no duplicates among ${search.conversations} conversations (Jaccard ≥ ${search.threshold}).`);
        return;
      }
      // Regenerating writes through the endpoint the settings choose, from the same prompt version:
      // only duplicates of datasets of that kind, whose prompt file is unchanged, qualify.
      const sources = new Set(search.found.map((f) => path.resolve(f.meta.sourceFile)));
      const files = validated.files.filter((f) => sources.has(path.resolve(f.path)));
      const regenerable = search.found.every(
        (f) =>
          f.dataset.endsWith('.simulated.jsonl') === simulated &&
          files.some((p) => path.resolve(p.path) === path.resolve(f.meta.sourceFile) && p.promptHash === f.meta.promptHash),
      );
      const n = search.found.length;
      const action = await ui.pickOne<Action>(
        [
          { label: `Drop ${n} duplicate(s)`, detail: 'Remove them from their datasets; later runs skip them', value: 'drop' },
          ...(regenerable
            ? [
                {
                  label: `Regenerate ${n} duplicate(s)`,
                  detail: 'Remove them and make them again, each with a new variation',
                  value: 'regenerate' as const,
                },
              ]
            : []),
          { label: 'Keep them (marked in the journal)', detail: 'Reports count them; export leaves them out', value: 'keep' },
        ],
        { title: `${n} duplicate(s) found and marked`, placeHolder: 'What to do with them' },
      );
      if (!action || action === 'keep') return;
      if (action === 'regenerate' && controller.isActive) {
        void ui.error(`${PREFIX}a run is in progress: regenerate once it has ended (nothing was dropped).`);
        return;
      }
      try {
        const dropped = await dropDuplicates(search, action === 'regenerate');
        for (const d of dropped) log.info(`dropped ${d.result.dropped} from ${rel(d.dataset)} (${d.result.kept} kept)`);
      } catch (error) {
        void ui.error(`${PREFIX}dropping failed, the datasets are as they were: ${classify(error).message}`);
        return;
      }
      if (action === 'drop') {
        void ui.info(`${PREFIX}dropped ${n} duplicate(s).`);
        return;
      }
      const outcome = await controller.generate(files);
      if (!outcome.ok) void ui.error(`${PREFIX}could not start regenerating: ${outcome.message}`);
    },
  };
}
