/** Evolution commands (/strategy, /versions, /diff, /promote, /rollback, /night, /thoughts …). */
import { groupComposer, type RunCommand } from './commands.ts';

export const evolutionFeature = (run: RunCommand) => groupComposer('evolution', run);
