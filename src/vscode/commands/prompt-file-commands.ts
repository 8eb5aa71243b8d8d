import * as path from 'node:path';
import { classify } from '../../core/errors';
import { formatDiagnostic } from '../../core/generate/prompt-file';
import { systemClock } from '../../core/clock';
import { estimateFiles, openTokenCounter } from '../../engine';
import { LABELS, PREFIX, type CommandHandlers, type CommandKit } from './command-kit';
import { engineSettings } from '../config';
import { learnedLimitsOf } from '../run/learned-limits';
import { MODEL_CLASSES } from '../../core/models';
import { batchNameOf, promptFileTemplate } from '../prompt-files/new-prompt-file';
import { select } from '../prompt-files/prompt-files';
import { formatUsd } from '../run/run-log';

/** The commands about prompt files that generate nothing: estimate, validate, create. */
export function promptFileCommands(kit: CommandKit): Pick<CommandHandlers, 'estimate' | 'validate' | 'newPromptFile'> {
  const { deps, rel, offer, showProblems } = kit;
  const { ui, editors, log } = deps;

  return {
    async estimate() {
      const doc = editors.active();
      const current = doc && !doc.untitled && doc.path.endsWith('.forge.yaml') ? [doc.path] : undefined;
      const validated = await deps.diagnostics.refresh(current ?? []);
      const paths = current ?? validated.files.map((f) => f.path);
      if (paths.length === 0) {
        void ui.info(`${PREFIX}no valid prompt files to estimate (open one, or fix the problems listed).`);
        return;
      }
      const picked = select(validated, paths, editors.workspaceRoot());
      if (!picked.ok) {
        offer(ui.error(`${PREFIX}cannot estimate: ${picked.firstError}`, LABELS.showProblems), showProblems);
        return;
      }
      const config = deps.config.current;
      const opened = await deps.endpoints.open(config);
      const local = !opened.ok;
      // The limits the API reported in this session's run, not the tier preset, set the time.
      const learned = learnedLimitsOf(deps.controller.latestSnapshot());
      const reported = MODEL_CLASSES.some((c) => Object.keys(learned(c)).length > 0);
      try {
        const result = await ui.withProgress(
          { title: 'Conversation Forge: estimating cost', cancellable: true },
          async (progress, token) => {
            const abort = new AbortController();
            const sub = token.onCancellationRequested(() => abort.abort());
            try {
              progress.report({
                message: local ? 'local token estimate (no API key for count_tokens)' : 'counting tokens of sample prompts…',
              });
              const settings = engineSettings(config);
              // Paced on the shared budget: a run elsewhere and this estimate draw on one count_tokens RPM.
              const counting = opened.ok
                ? await openTokenCounter(settings, opened.opened.endpoint, systemClock, { onNotice: (m) => log.warn(m) })
                : undefined;
              try {
                return await estimateFiles({
                  files: picked.files,
                  settings,
                  ...(counting ? { caller: counting.counter } : {}),
                  signal: abort.signal,
                  learned,
                });
              } finally {
                await counting?.store.dispose();
              }
            } finally {
              sub.dispose();
            }
          },
        );
        log.info(
          `estimate${local ? ' (local, without count_tokens)' : ''}${opened.ok && opened.opened.endpoint.simulated ? ' (simulator)' : ''}:`,
        );
        for (const f of result.perFile) {
          log.info(
            `  ${rel(f.file)}: ${f.conversations} conversations, ${f.requests} requests, ${f.inputTokens} in / ${f.outputTokens} out tokens, ${formatUsd(f.costUsd)}`,
          );
        }
        if (result.valueRequests) {
          const v = result.valueRequests;
          log.info(
            `  generated variable values: ${v.requests} request(s), ${v.inputTokens} in / ${v.outputTokens} out tokens, ${formatUsd(v.costUsd)}; ` +
              `worst case with ${v.worstCase.rounds - 1} top-up round(s): ${v.worstCase.requests} request(s), ${formatUsd(v.worstCase.costUsd)} (counted in the total)`,
          );
        }
        const limitsNote = reported ? ' at the limits the API reported' : ' at the configured limits (none reported yet)';
        log.info(`  total: ${formatUsd(result.costUsd)}, ${result.explanation}${limitsNote}`);
        offer(
          ui.info(
            `${PREFIX}estimated ${formatUsd(result.costUsd)} for ${result.conversations} conversations (${result.requests} requests${result.valueRequests ? `, up to ${result.valueRequests.worstCase.requests} of them to generate variable values, counted at their worst case` : ''}), ${result.explanation}${limitsNote}${local ? ' (local estimate)' : ''}.`,
            LABELS.showLog,
          ),
          { [LABELS.showLog]: () => log.show?.(true) },
        );
      } catch (error) {
        const e = classify(error);
        if (e.kind === 'cancelled') void ui.info(`${PREFIX}estimate cancelled.`);
        else if (e.kind === 'auth') kit.explainNoKey();
        else void ui.error(`${PREFIX}estimate failed: ${e.message}`);
      } finally {
        if (opened.ok) await opened.opened.close();
      }
    },

    async validate() {
      const validated = await deps.diagnostics.refresh();
      const errors = validated.diagnostics.filter((d) => d.severity === 'error');
      const warnings = validated.diagnostics.length - errors.length;
      for (const d of validated.diagnostics) log.info(formatDiagnostic(d, editors.workspaceRoot()));
      const n = validated.checked.length;
      if (n === 0) {
        void ui.info(`${PREFIX}no *.forge.yaml prompt files in this workspace.`);
        return;
      }
      const text = `${PREFIX}${n} prompt file(s): ${errors.length} error(s), ${warnings} warning(s).`;
      if (errors.length === 0 && warnings === 0) void ui.info(text);
      else offer(errors.length > 0 ? ui.error(text, LABELS.showProblems) : ui.warn(text, LABELS.showProblems), showProblems);
    },

    async newPromptFile() {
      const { defaultModel, outputFormat } = deps.config.current;
      const root = editors.workspaceRoot();
      if (!root) {
        await editors.openUntitled(promptFileTemplate('new-batch', defaultModel, outputFormat), 'yaml');
        return;
      }
      const input = await ui.inputBox({
        title: 'New Prompt File',
        prompt: 'Batch name (the file is created as <name>.forge.yaml in the workspace root)',
        placeHolder: 'support-dialogues',
        validateInput: (v) => (batchNameOf(v) === '' ? 'Enter a name' : undefined),
      });
      if (input === undefined) return;
      const name = batchNameOf(input);
      let file = path.join(root, `${name}.forge.yaml`);
      for (let i = 2; await editors.exists(file); i++) file = path.join(root, `${name}-${i}.forge.yaml`);
      await editors.createFile(file, promptFileTemplate(path.basename(file, '.forge.yaml'), defaultModel, outputFormat));
    },
  };
}
