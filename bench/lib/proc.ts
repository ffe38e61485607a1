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

/** Every live descendant of `pid` (children, their children, ...), from /proc/<pid>/stat parent ids. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The command name of a process (/proc/<pid>/comm); '' once it has exited. */
export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** CPU seconds of a process and of every process it started that still runs (a worker and its sandbox child). */
export function treeCpuSeconds(pid: number): number {
  return [pid, ...descendants(pid)]
    .map(cpuSeconds)
    .filter(Number.isFinite)
    .reduce((a, b) => a + b, 0);
}
