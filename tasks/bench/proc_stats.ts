// What /proc says about processes the bench watches (Linux only): resident memory, open file descriptors and CPU
// time, and the machine's CPU as a whole, so a report can say who used the two cores while it measured.

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on every Linux the bench runs on. */
const TICKS_PER_SECOND = 100;

/** VmRSS of a process in bytes, or null when it is gone (or this is not Linux). */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Open file descriptors of a process, or null. */
export function openFiles(pid: number): number | null {
  try {
    let n = 0;
    for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
    return n;
  } catch {
    return null;
  }
}

/** Soft limit on open files of a process ("Max open files" in /proc/<pid>/limits), or null. */
export function fileLimit(pid: number): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(Deno.readTextFileSync(`/proc/${pid}/limits`));
    return match ? (match[1] === "unlimited" ? Infinity : Number(match[1])) : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used, or null. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine, all cores together. */
function machineSeconds(): { busy: number; total: number } {
  try {
    const [, ...ticks] = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/);
    const n = ticks.map(Number);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is counted in user already
    const idle = n[3] + n[4]; // idle + iowait
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Process ids whose command name (/proc/<pid>/comm) is one of `names`, e.g. redis-server, mariadbd. */
export function pidsNamed(names: string[]): number[] {
  const found: number[] = [];
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        if (names.includes(Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim())) found.push(Number(entry.name));
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // Not Linux.
  }
  return found;
}

/** CPU use over an interval: per named group of processes as a share of one core (1 = a full core), and the machine. */
export interface CpuUse {
  /** Group name → cores used on average (0.85 = 85% of one core). */
  groups: Record<string, number>;
  /** Cores the machine was busy on average, all processes together, and the cores it has. */
  machine: { busy: number; cores: number };
}

/** Starts measuring; the returned function ends the interval and says who used the CPU meanwhile. */
export function cpuMeter(groups: Record<string, number[]>): () => CpuUse {
  const started = performance.now();
  const machineStart = machineSeconds();
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + (cpuSeconds(pid) ?? 0), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids)]));
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const machineEnd = machineSeconds();
    const cores = navigator.hardwareConcurrency;
    const wall = (machineEnd.total - machineStart.total) / cores;
    return {
      groups: Object.fromEntries(
        Object.entries(groups).map(([name, pids]) => [name, (sum(pids) - before[name]) / seconds]),
      ),
      machine: { busy: wall > 0 ? (machineEnd.busy - machineStart.busy) / wall : 0, cores },
    };
  };
}
