import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (usually 100). */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** How often RSS is sampled and the process tree re-read. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 250;

interface Stat {
  ppid: number;
  /** utime + stime, in ticks. */
  cpuTicks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing paren.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // the process exited
  }
}

function readRssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `root` and all its descendants (cluster workers), read from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface ProcessUsage {
  /** CPU time over the window, in % of one core (200 = two cores busy), summed over the tree. */
  cpuPercent: number;
  /** Largest sampled sum of VmRSS over the tree, in bytes. */
  peakRssBytes: number;
}

export interface UsageSampler {
  stop(): ProcessUsage;
}

/** Samples a process tree (the gateway and its workers) from now until `stop()`. */
export function sampleUsage(root: number, intervalMs = DEFAULT_SAMPLE_INTERVAL_MS): UsageSampler {
  const startedAt = performance.now();
  const firstTicks = new Map<number, number>();
  const lastTicks = new Map<number, number>();
  let peakRssBytes = 0;
  let initial = true;
  const sample = (): void => {
    let rss = 0;
    for (const pid of processTree(root)) {
      const stat = readStat(pid);
      if (!stat) continue;
      // A worker born mid-window (a restart) counts from zero.
      if (!firstTicks.has(pid)) firstTicks.set(pid, initial ? stat.cpuTicks : 0);
      lastTicks.set(pid, stat.cpuTicks);
      rss += readRssBytes(pid);
    }
    peakRssBytes = Math.max(peakRssBytes, rss);
    initial = false;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let ticks = 0;
      for (const [pid, last] of lastTicks) ticks += last - (firstTicks.get(pid) ?? 0);
      const seconds = (performance.now() - startedAt) / 1000;
      return { cpuPercent: (ticks / CLK_TCK / seconds) * 100, peakRssBytes };
    },
  };
}
