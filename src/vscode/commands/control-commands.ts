import { classify } from '../../core/errors';
import { PREFIX, type CommandHandlers, type CommandKit } from './command-kit';
import { clearApiKey, promptForApiKey } from '../secrets';

/** The run in progress: pause, resume, cancel, and its queue panel. */
export function runCommands(kit: CommandKit): Pick<CommandHandlers, 'pause' | 'resume' | 'cancel' | 'showPanel'> {
  const { ui, controller } = kit.deps;
  return {
    async pause() {
      if (!controller.pause())
        void ui.info(`${PREFIX}${controller.status().phase === 'paused' ? 'already paused' : 'nothing is running'}.`);
    },

    async resume() {
      if (!controller.resume())
        void ui.info(`${PREFIX}${controller.status().phase === 'running' ? 'already running' : 'nothing is paused'}.`);
    },

    async cancel() {
      if (!controller.isActive) {
        void ui.info(`${PREFIX}nothing is running.`);
        return;
      }
      const summary = await controller.cancel();
      if (summary) void ui.info(`${PREFIX}run cancelled: ${summary.generated} generated, ${summary.remaining} left for a re-run.`);
    },

    async showPanel() {
      if (kit.deps.showPanel) await kit.deps.showPanel();
      else void ui.info(`${PREFIX}queue panel not available yet.`);
    },
  };
}

/** Where requests go: the API key, or the built-in simulator instead. */
export function endpointCommands(kit: CommandKit): Pick<CommandHandlers, 'setApiKey' | 'clearApiKey' | 'useSimulator'> {
  const { deps } = kit;
  const { ui, controller } = deps;
  return {
    async setApiKey() {
      try {
        await promptForApiKey(ui, deps.keys);
      } catch (error) {
        void ui.error(`${PREFIX}${classify(error).message}`);
      }
    },

    async clearApiKey() {
      await clearApiKey(ui, deps.keys);
    },

    async useSimulator() {
      const on = !deps.config.current.useSimulator;
      await deps.config.set('useSimulator', on);
      const later = controller.isActive ? ' The run in progress keeps its endpoint; this applies from the next run.' : '';
      void ui.info(
        on
          ? `${PREFIX}DRY RUN: generating against the built-in simulator. Nothing is billed; datasets are written as *.simulated.jsonl.${later}`
          : `${PREFIX}built-in simulator off: runs use the Anthropic API.${later}`,
      );
    },
  };
}
