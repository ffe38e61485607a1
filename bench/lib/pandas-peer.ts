/**
 * The Freqtrade-style pandas peer (bench/peers/v001_pandas.py), run as a child process. Optional: a
 * bench skips it with a note when no python3 with pandas is installed (CI does not depend on it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../peers/v001_pandas.py', import.meta.url));
/** Tried in order: the python3 on PATH, then the system one (Debian's python3-pandas installs there). */
const CANDIDATES = ['python3', '/usr/bin/python3'];

export interface PandasRun {
  readonly pandas: string;
  readonly bars: number;
  /** pandas.read_csv of every file. */
  readonly readSeconds: number;
  /** Each backtest (signals + trade loop over every pair) in the same process. */
  readonly runSeconds: readonly number[];
  readonly trades: number;
  /** The whole process: interpreter, imports, read, runs. */
  readonly processSeconds: number;
}

/** A python3 that imports pandas, or null. */
export function pandasPython(): string | null {
  return CANDIDATES.find((py) => spawnSync(py, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) ?? null;
}

export function runPandasPeer(python: string, dir: string, runs: number): PandasRun {
  const t0 = performance.now();
  const r = spawnSync(python, [SCRIPT, dir, String(runs)], { encoding: 'utf8' });
  const processSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${python} ${SCRIPT} failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  const out = JSON.parse(r.stdout) as { pandas: string; bars: number; read_s: number; runs_s: number[]; trades: number };
  return { pandas: out.pandas, bars: out.bars, readSeconds: out.read_s, runSeconds: out.runs_s, trades: out.trades, processSeconds };
}
