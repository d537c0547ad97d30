import { ApiError, recordingUrls, redirectToSignIn } from '$lib/api/client';
import type { RecordingDto } from '$lib/api/types';

export type UploadStatus = 'waiting' | 'uploading' | 'uploaded' | 'failed' | 'cancelled';

/** Files sent at once; the rest wait. Browsers open ~6 connections per host and pages still need some. */
const CONCURRENCY = 3;

let nextKey = 0;

/** One file on its way to the server. */
export class Upload {
	readonly key = `upload-${++nextKey}`;
	readonly file: File;
	status = $state<UploadStatus>('waiting');
	loaded = $state(0);
	total = $state(0);
	/** The recording the server created (then its processing state comes from the recordings list). */
	recordingId = $state<string | null>(null);
	error = $state.raw<ApiError | null>(null);
	xhr: XMLHttpRequest | null = null;

	readonly progress = $derived(this.total > 0 ? Math.min(1, this.loaded / this.total) : 0);
	readonly settled = $derived(this.status === 'uploaded' || this.status === 'failed' || this.status === 'cancelled');

	constructor(file: File) {
		this.file = file;
		this.total = file.size;
	}
}

/**
 * The upload queue of one project. Each file goes up in its own XMLHttpRequest, because fetch
 * still cannot report upload progress; a few at a time, in the order they were added. The queue
 * outlives the project page (it is kept per project below), so leaving the page does not lose
 * sight of uploads still running.
 */
export class UploadQueue {
	readonly projectId: string;
	items = $state<Upload[]>([]);
	/** Called after each file the server accepted, to refresh the recordings list right away. */
	onuploaded: ((recording: RecordingDto) => void) | null = null;

	readonly active = $derived(this.items.filter((u) => u.status === 'uploading' || u.status === 'waiting').length);

	constructor(projectId: string) {
		this.projectId = projectId;
	}

	add(files: Iterable<File>) {
		for (const file of files) this.items.push(new Upload(file));
		this.#pump();
	}

	cancel(upload: Upload) {
		if (upload.status === 'waiting') upload.status = 'cancelled';
		else if (upload.status === 'uploading') upload.xhr?.abort();
		this.#pump();
	}

	dismiss(upload: Upload) {
		if (!upload.settled) return;
		this.items = this.items.filter((u) => u !== upload);
	}

	#pump() {
		let running = this.items.filter((u) => u.status === 'uploading').length;
		for (const upload of this.items) {
			if (running >= CONCURRENCY) break;
			if (upload.status !== 'waiting') continue;
			running++;
			this.#send(upload);
		}
	}

	#send(upload: Upload) {
		const xhr = new XMLHttpRequest();
		upload.xhr = xhr;
		upload.status = 'uploading';
		upload.loaded = 0;

		xhr.upload.onprogress = (e) => {
			upload.loaded = e.loaded;
			if (e.lengthComputable) upload.total = e.total;
		};
		xhr.onload = () => {
			const body = parseJson(xhr.responseText);
			if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === 'object' && 'recording' in body) {
				const recording = (body as { recording: RecordingDto }).recording;
				upload.loaded = upload.total;
				upload.recordingId = recording.id;
				upload.status = 'uploaded';
				this.onuploaded?.(recording);
			} else {
				const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
				const { code = `http_${xhr.status}`, message = xhr.statusText || `HTTP ${xhr.status}`, ...details } =
					err ?? {};
				upload.error = new ApiError(xhr.status, code, message, details);
				upload.status = 'failed';
				if (xhr.status === 401) void redirectToSignIn();
			}
		};
		xhr.onerror = () => {
			upload.error = new ApiError(0, 'offline', 'The upload was interrupted');
			upload.status = 'failed';
		};
		xhr.onabort = () => {
			upload.status = 'cancelled';
		};
		xhr.onloadend = () => {
			upload.xhr = null;
			this.#pump();
		};

		const form = new FormData();
		form.append('file', upload.file, upload.file.name);
		xhr.open('POST', recordingUrls.upload(this.projectId));
		xhr.setRequestHeader('accept', 'application/json');
		xhr.send(form);
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

const queues = new Map<string, UploadQueue>();

/** The one upload queue of a project, kept for the life of the page (the SPA), not of a route. */
export function uploadQueueFor(projectId: string): UploadQueue {
	let queue = queues.get(projectId);
	if (!queue) {
		queue = new UploadQueue(projectId);
		queues.set(projectId, queue);
	}
	return queue;
}

/** Whether any upload anywhere is still sending (closing the tab would abort it). */
export function anyUploadRunning(): boolean {
	for (const queue of queues.values()) if (queue.active > 0) return true;
	return false;
}
