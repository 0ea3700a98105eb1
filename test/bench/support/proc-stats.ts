import { readFileSync } from 'node:fs';

/** Memory of a process from /proc/PID/status, in bytes. */
export interface Memory {
  /** VmRSS: resident now. */
  readonly rssBytes: number;
  /** VmHWM: the peak resident set ("high water mark") since the process started. */
  readonly peakRssBytes: number;
}

/** Clock ticks per second of /proc/PID/stat's times: USER_HZ, which Linux fixes at 100 on x86 and arm. */
const ticksPerSecond = 100;

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** CPU time the process has used so far, user + system, in seconds (/proc/PID/stat utime + stime). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
