import type { LabelStudioTask } from '../interop/label-studio.ts';
import type { UNMATCHED_REASONS } from './transcript-import.schemas.ts';

/**
 * Which recording a Label Studio task belongs to, by the base name of the audio it names:
 *
 * 1. The task's audio (`data.audio`: `/data/upload/3/1a2b3c4d-tape%203.wav`, `s3://bucket/x/tape 3.wav?…`,
 *    `http://host/files/tape3.mp3`) is cut to its last path segment, without query or fragment,
 *    percent-decoded, NFC.
 * 2. Label Studio prefixes uploaded files with 8 hex digits and a hyphen (`1a2b3c4d-tape 3.wav`);
 *    the name without that prefix is tried too.
 * 3. A recording matches when its name equals one of those names, ignoring case; failing that, when
 *    its name without the extension equals one of them without the extension (`tape 3.wav` for
 *    `tape 3.mp3`, a task made from a converted copy).
 *
 * One match: the task is imported into that recording. None: `no_recording`; several: `ambiguous`
 * (rename the recordings apart); a recording a task before it already took: `duplicate`; a recording
 * whose length is not known yet: `not_ready`; a task without any annotation or prediction:
 * `no_annotation` (importing it would only clear the recording). Those tasks are reported and
 * skipped.
 */

export interface RecordingName {
	id: string;
	name: string;
	durationMs: number;
}

export interface TaskMatch {
	index: number;
	task: LabelStudioTask;
	recording: RecordingName;
}

export interface UnmatchedTask {
	taskIndex: number;
	taskId: string | number | null;
	audio: string | null;
	reason: (typeof UNMATCHED_REASONS)[number];
	message: string;
}

const UPLOAD_PREFIX = /^[0-9a-f]{8}-(?=.)/i;

/** The names a task's audio reference may stand for (see above), lower-cased. */
export function audioBaseNames(audio: string): string[] {
	let base = audio.split(/[?#]/)[0] ?? '';
	base = base.split(/[/\\]/).pop() ?? '';
	try {
		base = decodeURIComponent(base);
	} catch {
		// A stray % stays as it is.
	}
	base = base.normalize('NFC').trim().toLowerCase();
	if (!base) return [];
	const names = [base];
	if (UPLOAD_PREFIX.test(base)) names.push(base.replace(UPLOAD_PREFIX, ''));
	return names;
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '');

export function matchTasksToRecordings(tasks: LabelStudioTask[], recordings: RecordingName[]): { matched: TaskMatch[]; unmatched: UnmatchedTask[] } {
	const byName = new Map<string, RecordingName[]>();
	const byStem = new Map<string, RecordingName[]>();
	const add = (map: Map<string, RecordingName[]>, key: string, r: RecordingName) => {
		const list = map.get(key);
		if (list) list.push(r);
		else map.set(key, [r]);
	};
	for (const r of recordings) {
		const name = r.name.normalize('NFC').trim().toLowerCase();
		add(byName, name, r);
		add(byStem, stem(name), r);
	}
	const matched: TaskMatch[] = [];
	const unmatched: UnmatchedTask[] = [];
	const taken = new Map<string, number>();
	tasks.forEach((task, index) => {
		const report = (reason: UnmatchedTask['reason'], message: string) =>
			unmatched.push({ taskIndex: index, taskId: task.id, audio: task.audio, reason, message });
		const label = `Task ${task.id ?? index + 1}`;
		if (task.annotationId === null && task.document.segments.length === 0) {
			return report('no_annotation', `${label} has no annotation or prediction to import.`);
		}
		const names = task.audio ? audioBaseNames(task.audio) : [];
		let candidates: RecordingName[] = [];
		for (const name of names) if (candidates.length === 0) candidates = byName.get(name) ?? [];
		for (const name of names) if (candidates.length === 0) candidates = byStem.get(stem(name)) ?? [];
		if (candidates.length === 0) {
			return report('no_recording', `${label}: no recording is called ${names.length ? `"${names.at(-1)}"` : '(the task names no audio)'}.`);
		}
		if (candidates.length > 1) {
			return report('ambiguous', `${label}: ${candidates.length} recordings are called ${candidates.map((c) => `"${c.name}"`).join(', ')}; rename them apart.`);
		}
		const recording = candidates[0];
		const before = taken.get(recording.id);
		if (before !== undefined) {
			return report('duplicate', `${label} names "${recording.name}", which task ${tasks[before].id ?? before + 1} already imports into.`);
		}
		if (!(recording.durationMs > 0)) {
			return report('not_ready', `${label}: "${recording.name}" is still being processed; import again once it is ready.`);
		}
		taken.set(recording.id, index);
		matched.push({ index, task, recording });
	});
	return { matched, unmatched };
}
