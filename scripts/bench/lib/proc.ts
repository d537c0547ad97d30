import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of `pid` from /proc/<pid>/stat, or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may hold spaces and parentheses: fields resume after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return Number(fields[1]);
	} catch {
		return undefined;
	}
}

/** CPU time (user + system) `pid` has used so far, in seconds (clock ticks of 1/100 s on Linux). */
export function cpuSecondsOf(pid: number, ticksPerSecond = 100): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// After the name: state(0) ppid(1) … utime(11) stime(12).
	return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** `pid` and every live descendant (ffmpeg children of a Node process, and theirs). */
export function processTree(pid: number): number[] {
	const children = new Map<number, number[]>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const child = Number(name);
		const parent = parentOf(child);
		if (parent === undefined) continue;
		const list = children.get(parent) ?? [];
		list.push(child);
		children.set(parent, list);
	}
	const tree: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const next = queue.shift()!;
		tree.push(next);
		queue.push(...(children.get(next) ?? []));
	}
	return tree;
}

/** VmRSS and VmHWM of one process in bytes (0 when it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number; name: string } {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
		const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
		return { rss: kb('VmRSS'), hwm: kb('VmHWM'), name };
	} catch {
		return { rss: 0, hwm: 0, name: '?' };
	}
}

export interface TreeMemory {
	/** Largest sum of VmRSS over the process tree seen at one sample. */
	peakTreeRss: number;
	/** Largest VmHWM seen per process name (node, ffmpeg…): each process's own high-water mark. */
	hwmByName: Record<string, number>;
	samples: number;
}

/**
 * Samples the memory of `pid` and its descendants every `intervalMs` until stop(). The tree sum
 * catches node + ffmpeg together; the per-name VmHWM catches a spike shorter than the interval.
 */
export function sampleTreeMemory(pid: number, intervalMs = 50): { stop(): TreeMemory } {
	const result: TreeMemory = { peakTreeRss: 0, hwmByName: {}, samples: 0 };
	const tick = () => {
		let sum = 0;
		for (const member of processTree(pid)) {
			const mem = memoryOf(member);
			sum += mem.rss;
			if (mem.hwm > (result.hwmByName[mem.name] ?? 0)) result.hwmByName[mem.name] = mem.hwm;
		}
		if (sum > result.peakTreeRss) result.peakTreeRss = sum;
		result.samples++;
	};
	tick();
	const timer = setInterval(tick, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			return result;
		}
	};
}

/**
 * Pins `pid` (default: this process) to one CPU with taskset when there are at least two, so a
 * server and its load generator do not fight for a core. Returns whether it pinned.
 */
export function pinToCpu(cpu: number, pid: number = process.pid): boolean {
	const result = spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { encoding: 'utf8' });
	return result.status === 0;
}

/** Undoes pinToCpu for this process: every CPU again. */
export function unpin(cpuCount: number, pid: number = process.pid): void {
	spawnSync('taskset', ['-a', '-cp', `0-${cpuCount - 1}`, String(pid)], { encoding: 'utf8' });
}
