import { readAsrJson } from './asr-json.ts';
import { readEaf } from './eaf.ts';
import { readLabelStudio, type LabelStudioOptions, type LabelStudioTask } from './label-studio.ts';
import { InteropError, type InteropDocument, type TranscriptFormat } from './model.ts';
import { readSrt } from './srt.ts';
import { readTextGrid } from './textgrid.ts';
import { readTrs } from './trs.ts';
import { readWebVtt } from './webvtt.ts';

/** File extensions of transcripts, lower case: a.wav's transcript is a.TextGrid, a.eaf, … */
export const TRANSCRIPT_EXTENSIONS: Record<string, TranscriptFormat | 'json'> = {
	textgrid: 'textgrid',
	eaf: 'eaf',
	trs: 'trs',
	srt: 'srt',
	vtt: 'webvtt',
	json: 'json'
};

/**
 * The format of a transcript file from its name, and for `.json` from its content (a Label Studio
 * export is an array of tasks with `data`/`annotations`; anything else is ASR output). Content is
 * sniffed too when the extension is unknown.
 */
export function detectTranscriptFormat(fileName: string, bytes: Uint8Array): TranscriptFormat {
	const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
	const byExt = TRANSCRIPT_EXTENSIONS[ext];
	if (byExt && byExt !== 'json') return byExt;
	const head = sniffText(bytes);
	if (byExt === 'json' || /^\s*[[{]/.test(head)) {
		return /"annotations"\s*:|"predictions"\s*:|"data"\s*:\s*\{/.test(head) ? 'label-studio' : 'asr-json';
	}
	if (/^\s*File type = "ooTextFile/.test(head)) return 'textgrid';
	if (/<ANNOTATION_DOCUMENT[\s>]/.test(head)) return 'eaf';
	if (/<Trans[\s>]/.test(head)) return 'trs';
	if (/^WEBVTT/.test(head)) return 'webvtt';
	if (/^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->/.test(head)) return 'srt';
	throw new InteropError('unsupported_format', `Cannot tell the transcript format of "${fileName}" (expected .TextGrid, .eaf, .trs, .srt, .vtt or .json).`);
}

function sniffText(bytes: Uint8Array): string {
	const head = bytes.subarray(0, 4096);
	if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head.subarray(2));
	if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head.subarray(2));
	return new TextDecoder('utf-8').decode(head).replace(/^\ufeff/, '');
}

/**
 * Reads any supported transcript. Every format but Label Studio describes one recording; a Label
 * Studio export holds one task per audio file, each returned with the audio it names.
 */
export function readTranscript(
	fileName: string,
	bytes: Uint8Array,
	options: { format?: TranscriptFormat; labelStudio?: LabelStudioOptions } = {}
): { format: TranscriptFormat; documents: InteropDocument[]; tasks?: LabelStudioTask[] } {
	const format = options.format ?? detectTranscriptFormat(fileName, bytes);
	switch (format) {
		case 'textgrid':
			return { format, documents: [readTextGrid(bytes)] };
		case 'eaf':
			return { format, documents: [readEaf(bytes)] };
		case 'trs':
			return { format, documents: [readTrs(bytes)] };
		case 'srt':
			return { format, documents: [readSrt(bytes)] };
		case 'webvtt':
			return { format, documents: [readWebVtt(bytes)] };
		case 'asr-json':
			return { format, documents: [readAsrJson(bytes)] };
		case 'label-studio': {
			const tasks = readLabelStudio(bytes, options.labelStudio);
			return { format, documents: tasks.map((t) => t.document), tasks };
		}
	}
}
