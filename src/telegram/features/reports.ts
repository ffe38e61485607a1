/** Reports and charts (/report daily|weekly, /chart equity|drawdown|pnl). */
import { groupComposer, type RunCommand } from './commands.ts';

export const reportsFeature = (run: RunCommand) => groupComposer('reports', run);
