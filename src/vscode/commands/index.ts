import { createKit, type CommandDeps, type CommandHandlers } from './command-kit';
import { endpointCommands, runCommands } from './control-commands';
import { datasetCommands } from './dataset-commands';
import { generateCommands } from './generate-commands';
import { promptFileCommands } from './prompt-file-commands';

export { guarded, LABELS } from './command-kit';
export type { CommandDeps, CommandHandlers } from './command-kit';

/**
 * Every command's behaviour, against the ports only (extension.ts registers them with VS Code).
 * A command that cannot run now says why; none fails silently.
 */
export function createCommands(deps: CommandDeps): CommandHandlers {
  const kit = createKit(deps, () => handlers);
  const handlers: CommandHandlers = {
    ...generateCommands(kit),
    ...promptFileCommands(kit),
    ...runCommands(kit),
    ...endpointCommands(kit),
    ...datasetCommands(kit),
  };
  return handlers;
}
