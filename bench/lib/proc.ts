/**
 * What a bench reads about a process from Linux /proc: CPU seconds (robust when the machine is shared
 * and wall time is not) and memory. Bench only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

/** User + system CPU seconds a process has used; NaN once it has exited. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A /proc/<pid>/status memory figure (VmRSS, VmData, ...) in MiB; NaN once the process has exited. */
export function memoryMb(pid: number | undefined, field: 'VmRSS' | 'VmData' = 'VmRSS'): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return Number.NaN;
  const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** The pids started by `pid` and by them, from /proc/<pid>/task/<tid>/children. */
function descendants(pid: number): number[] {
  const tasks = existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`) : [];
  const children = tasks.flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** CPU seconds of a process and of every process it started that still runs (a worker and its sandbox child). */
export function treeCpuSeconds(pid: number): number {
  return [pid, ...descendants(pid)].map(cpuSeconds).filter(Number.isFinite).reduce((a, b) => a + b, 0);
}
