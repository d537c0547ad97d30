import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * scripts/demo-corpus/manifest.json, written by scripts/build-demo-corpus.ts and read by the demo
 * loader and the long-audio builder. All times are integer milliseconds from the file's start.
 */
export interface DemoManifest {
	version: 1;
	/** How the audio was made (espeak-ng version, encoder settings), for the curious. */
	generator: string;
	/** Dialect tags the demo needs beyond a new project's default taxonomy (added under the root). */
	extraDialectTags: DemoTagNode[];
	speakers: DemoSpeaker[];
	recordings: DemoRecording[];
}

export interface DemoTagNode {
	code: string;
	nameEn: string;
	nameZh: string;
	children?: DemoTagNode[];
}

export interface DemoSpeaker {
	code: string;
	name: string;
	gender: string | null;
	ageBand: string | null;
	/** Dialect tag code of the speaker's home variety. */
	homeDialect: string | null;
	place: string | null;
}

export interface DemoRecording {
	/** File name inside scripts/demo-corpus/. */
	file: string;
	/** Display name of the recording. */
	name: string;
	sha256: string;
	sizeBytes: number;
	durationMs: number;
	place: string;
	/** Speaker codes, in order of first appearance. */
	speakers: string[];
	/** Every synthesized utterance (voiced span), pre-filled or not: ground truth for VAD tests. */
	utterances: { startMs: number; endMs: number; speaker: string }[];
	/** The utterances the demo project starts with as transcribed segments. */
	segments: DemoSegment[];
}

export interface DemoSegment {
	startMs: number;
	endMs: number;
	/** Speaker code. */
	speaker: string;
	/** Dialect tag code (a default-taxonomy code or one of extraDialectTags). */
	dialect: string;
	/** Text per layer key: transcript, romanization, mandarin. */
	texts: Record<string, string>;
	status: string;
}

export const DEMO_CORPUS_DIR = fileURLToPath(new URL('../../scripts/demo-corpus/', import.meta.url));

export function readDemoManifest(dir: string = DEMO_CORPUS_DIR): DemoManifest {
	return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DemoManifest;
}
