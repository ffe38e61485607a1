/** Status commands (/status, /positions, /trades … /help): read-only, for viewers and admins. */
import { groupComposer, type RunCommand } from './commands.ts';

export const statusFeature = (run: RunCommand) => groupComposer('status', run);
