import { formatDiagnostic } from '../../core/generate/prompt-file';
import type { GenerationMode, PromptFile } from '../../core/generate/types';
import { LABELS, PREFIX, type CommandHandlers, type CommandKit } from './command-kit';
import { engineSettings } from '../config';
import { estimateFiles } from '../../engine';
import type { PickItem } from '../ports';
import { select } from '../prompt-files/prompt-files';
import { formatUsd } from '../run/run-log';
import { spendGate } from '../../core/generate/run/spend-gate';

/** The commands that start generating (or add to the run in progress): current file, workspace, Retry Failed. */
/** How the workspace picker's second step reads the choice of mode. */
type ModeChoice = 'files' | GenerationMode;

/** Every file as Message Batches (or online): the choice overrides each file's `mode`, for this run only. */
function withMode(files: readonly PromptFile[], mode: GenerationMode | undefined): PromptFile[] {
  return mode === undefined ? [...files] : files.map((f) => ({ ...f, mode }));
}

export function generateCommands(
  kit: CommandKit,
): Pick<CommandHandlers, 'generateCurrent' | 'generateWorkspace' | 'generateAsMessageBatch' | 'retryFailed'> {
  const { deps, rel, offer, showProblems } = kit;
  const { ui, controller, editors, log } = deps;

  /** Validates (publishing to Problems) and returns the parsed files, or says what is wrong. */
  async function prepare(paths: readonly string[]): Promise<PromptFile[] | undefined> {
    const validated = await deps.diagnostics.refresh(paths);
    const picked = select(validated, paths, editors.workspaceRoot());
    if (!picked.ok) {
      const more = picked.errors.length > 1 ? ` (and ${picked.errors.length - 1} more in the Problems panel)` : '';
      log.warn(`refusing to generate: ${picked.errors.map((d) => formatDiagnostic(d, editors.workspaceRoot())).join('; ')}`);
      offer(ui.error(`${PREFIX}cannot generate: ${picked.firstError}${more}`, LABELS.showProblems), showProblems);
      return undefined;
    }
    return [...picked.files];
  }

  /**
   * The CLI's spend guard as a modal: a run estimated above `confirmAboveUsd` starts only when the
   * person says so. The estimate is local (instant) and counts every conversation of the files.
   */
  async function spendConfirmed(files: readonly PromptFile[]): Promise<boolean> {
    const config = deps.config.current;
    if (config.confirmAboveUsd === 0 || config.useSimulator) return true;
    const settings = engineSettings(config);
    let estimate;
    try {
      estimate = await estimateFiles({ files, settings });
    } catch (e) {
      log.warn(`no local estimate before starting: ${e instanceof Error ? e.message : String(e)}`);
      return true;
    }
    const gate = spendGate({
      estimateUsd: estimate.costUsd,
      ...(settings.budgetUsd !== undefined ? { budgetUsd: settings.budgetUsd } : {}),
      confirmAboveUsd: config.confirmAboveUsd,
      confirmed: false,
      interactive: true,
      timeText: estimate.explanation,
    });
    if (gate.kind === 'go') return true;
    const detail =
      `${estimate.conversations} conversations, ${estimate.requests} requests` +
      (estimate.valueRequests
        ? ` (up to ${estimate.valueRequests.worstCase.requests} of them generate variable values, counted at their worst case, top-ups included)`
        : '') +
      '. Conversations already in the datasets are skipped, ' +
      'so a resumed run costs less. Set conversationForge.budgetUsd to cap the spend, or conversationForge.confirmAboveUsd to change when this is asked.';
    const go = await ui.confirm(`${PREFIX}${gate.message}`, detail, LABELS.startRun);
    if (!go) log.info(`not started: ${gate.message}`);
    return go;
  }

  async function generate(files: readonly PromptFile[], retryFailed = false, allowNewVersion = false): Promise<void> {
    if (!(await spendConfirmed(files))) return;
    const outcome = await controller.generate(files, { retryFailed, ...(allowNewVersion ? { allowNewVersion } : {}) });
    if (!outcome.ok) {
      if (outcome.reason === 'no-key') {
        kit.explainNoKey();
        return;
      }
      if (outcome.reason === 'prompt-changed') {
        // The CLI's --new-version, offered where the refusal is shown.
        offer(ui.error(`${PREFIX}${outcome.message}`, LABELS.newVersion), {
          [LABELS.newVersion]: () => generate(files, retryFailed, true),
        });
        return;
      }
      void ui.error(`${PREFIX}${outcome.message}`);
      return;
    }
    const names = files.map((f) => f.name).join(', ');
    if (outcome.joined) {
      void ui.info(
        `${PREFIX}added ${names} to the run in progress (queued behind it at ${files.map((f) => f.priority).join('/')} priority).`,
      );
    } else {
      const todo = outcome.batches.reduce((n, b) => n + b.total - b.skipped - b.skippedFailed, 0);
      const dry = controller.status().simulated ? 'DRY RUN: ' : '';
      log.info(`${dry}generating ${todo} conversations from ${names}`);
    }
  }

  async function generateCurrent(mode?: GenerationMode): Promise<void> {
    const doc = editors.active();
    if (!doc || doc.untitled || !doc.path.endsWith('.forge.yaml')) {
      void ui.warn(`${PREFIX}open a *.forge.yaml prompt file in the editor first (or use Generate from Workspace Prompt Files…).`);
      return;
    }
    if (!(await doc.save())) {
      void ui.warn(`${PREFIX}${rel(doc.path)} could not be saved; generation reads the file from disk.`);
      return;
    }
    const files = await prepare([doc.path]);
    if (files) await generate(withMode(files, mode));
  }

  /** The picker's second step: each file's own mode, or all of them online or as Message Batches. */
  async function pickMode(files: readonly PromptFile[]): Promise<ModeChoice | undefined> {
    const batch = files.filter((f) => f.mode === 'batch').length;
    const own = batch === 0 ? 'all online' : batch === files.length ? 'all as Message Batches' : `${batch} as Message Batches`;
    return ui.pickOne<ModeChoice>(
      [
        { label: "As each file's mode says", description: own, value: 'files' },
        { label: 'Online', description: 'Messages API, as fast as the rate limits allow', value: 'online' },
        { label: 'Message Batch', description: 'half price; results usually within an hour, 24 h at most', value: 'batch' },
      ],
      { title: 'Generate from Workspace Prompt Files', placeHolder: 'How should these conversations be generated?' },
    );
  }

  return {
    generateCurrent: () => generateCurrent(),

    generateAsMessageBatch: () => generateCurrent('batch'),

    async generateWorkspace() {
      const validated = await deps.diagnostics.refresh();
      if (validated.checked.length === 0) {
        offer(ui.info(`${PREFIX}no *.forge.yaml prompt files in this workspace.`, LABELS.newPromptFile), {
          [LABELS.newPromptFile]: () => kit.handlers().newPromptFile(),
        });
        return;
      }
      const broken = new Set(validated.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
      const good = validated.files.filter((f) => !broken.has(f.path));
      if (good.length === 0) {
        offer(ui.error(`${PREFIX}every prompt file has errors; fix them first.`, LABELS.showProblems), showProblems);
        return;
      }
      const item = (f: PromptFile, cost?: string): PickItem<string> => ({
        label: rel(f.path),
        description: `${f.count} conversations · ${f.model}${f.mode === 'batch' ? ' · Message Batch' : ''}${cost ? ` · ${cost}` : ' · estimating…'}`,
        picked: true,
        value: f.path,
      });
      const placeHolder =
        broken.size > 0 ? `${broken.size} file(s) with errors are not listed (see Problems)` : 'Choose the prompt files to generate';
      const chosen = await ui.pickMany(
        good.map((f) => item(f)),
        { title: 'Generate from Workspace Prompt Files', placeHolder },
        (live) => {
          // Costs arrive as they are computed (locally: count_tokens would be too slow for a picker).
          const settings = engineSettings(deps.config.current);
          const costs = new Map<string, string>();
          void (async () => {
            for (const f of good) {
              if (live.signal.aborted) return;
              try {
                const e = await estimateFiles({ files: [f], settings });
                costs.set(f.path, `~${formatUsd(e.costUsd)}`);
              } catch {
                costs.set(f.path, 'cost unknown');
              }
              if (!live.signal.aborted) live.update(good.map((g) => item(g, costs.get(g.path))));
            }
          })();
        },
      );
      if (!chosen || chosen.length === 0) return;
      const files = await prepare(chosen);
      if (!files) return;
      const mode = await pickMode(files);
      if (mode === undefined) return;
      await generate(withMode(files, mode === 'files' ? undefined : mode));
    },

    async retryFailed() {
      if (controller.isActive) {
        void ui.info(`${PREFIX}Retry Failed runs once the run in progress has finished.`);
        return;
      }
      const fromLast = controller.failedFiles();
      const paths = fromLast.length > 0 ? fromLast : [...deps.lastRunFiles()];
      if (paths.length === 0) {
        void ui.info(`${PREFIX}no failed conversations to retry (no earlier run recorded failures).`);
        return;
      }
      const files = await prepare(paths);
      if (files) await generate(files, true);
    },
  };
}
