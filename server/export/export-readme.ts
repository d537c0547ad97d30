import type { ExportManifest } from './export.service.ts';

/**
 * The README.md of an export: what the folder holds and how to load it, the counts and hours per
 * split, dialect and speaker, and the filter and options that made it (manifest.json has the same
 * in machine-readable form).
 */

const LAYOUT: Record<ExportManifest['format'], string> = {
	textgrid:
		'One Praat TextGrid per recording (long text format, UTF-8): an interval tier per speaker and text layer (`SPK - transcript`), `SPK - dialect` and `SPK - status` tiers, overlapping segments of one speaker on `SPK#2 - …` tiers, point tiers for the recording’s events. Praat reads UTF-8 and re-saves as UTF-16 unless its text-writing preference says UTF-8.',
	eaf: 'One ELAN EAF 3.0 file per recording: a transcript tier per speaker, the other layers, the dialect and the status as symbolic-association child tiers, dialect tags and statuses as controlled vocabularies. The media descriptor names the recording’s original file, relative to the .eaf.',
	srt: 'One SubRip file per recording: numbered cues, `[SPEAKER]` prefixes; speakers talking at once share one cue.',
	webvtt: 'One WebVTT file per recording: cues in time order, speakers as `<v SPEAKER>` voices.',
	csv: '`segments.csv`: every segment with every field (RFC 4180, UTF-8; times in ms and seconds, speaker, dialect tag, each text layer, review state, reviewer, transcriber, CER, origin).',
	jsonl: '`segments.jsonl`: every segment with every field, one JSON object per line (UTF-8, Chinese as is).',
	kaldi:
		'A Kaldi data directory per split under `data/<split>/` (wav.scp, segments, text, utt2spk, spk2utt, utt2dur, utt2lang), byte-sorted, speaker-prefixed utterance ids; the recordings as `audio/<id>.wav`, converted from the originals. wav.scp paths are relative to this folder: run Kaldi scripts from here (or rewrite them with `sed`). Make spk2utt again with `utils/utt2spk_to_spk2utt.pl` if you filter files.',
	nemo: 'NeMo manifests `<split>_manifest.jsonl` (audio_filepath, duration, text; offset into the recording in offset mode), paths relative to this folder.',
	audiofolder:
		'A Hugging Face audiofolder: `<split>/metadata.jsonl` beside `<split>/clips/`. Load it with `datasets.load_dataset("audiofolder", data_dir="<this folder>")` (the `dev` folder becomes the validation split).',
	'common-voice': 'Common Voice-style TSVs (`train.tsv`, `dev.tsv`, `test.tsv`, `validated.tsv`, `clip_durations.tsv`; tab-separated, no quoting) and the clips in `clips/`. `client_id` is a hash of the speaker, `variant` the dialect code, `accents` its name.'
};

function table(title: string, rows: Record<string, { segments: number; hours: number }>): string {
	const entries = Object.entries(rows);
	if (entries.length === 0) return '';
	const lines = entries.map(([key, t]) => `| ${key.replaceAll('|', '\\|')} | ${t.segments} | ${t.hours.toFixed(4)} |`);
	return `### ${title}\n\n| | segments | hours |\n|---|---:|---:|\n${lines.join('\n')}\n\n`;
}

export function writeExportReadme(manifest: ExportManifest): string {
	const c = manifest.counts;
	const filter = Object.entries(manifest.filter).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
	const skipped = Object.entries(c.skipped);
	let text = `# ${manifest.project.name}: ${manifest.format} export\n\n`;
	text += `Made by Fangyan on ${manifest.createdAt} from project \`${manifest.project.slug}\`.\n\n`;
	text += `${LAYOUT[manifest.format]}\n\nEverything is UTF-8; Chinese is written as is, never escaped.\n\n`;
	text += `## Contents\n\n${c.segments} segments, ${c.hours.toFixed(4)} hours, from ${manifest.recordings} recording(s).\n`;
	if (skipped.length) text += `Left out: ${skipped.map(([reason, n]) => `${n} (${reason.replaceAll('_', ' ')})`).join(', ')}.\n`;
	text += '\n';
	if (manifest.audio) {
		const a = manifest.audio;
		text += `Audio: ${a.content === 'clips' ? 'one clip per segment' : 'whole recordings'}, cut from the originals to ${a.format.toUpperCase()} ${a.sampleRate} Hz, ${a.channels === 1 ? 'mono' : `${a.channels} channels`}, ${a.bitDepth}-bit; every clip holds exactly round(end·rate) − round(start·rate) samples.`;
		text += manifest.paddedAudio ? ` ${manifest.paddedAudio} ran past the end of the decoded audio and were padded with silence.\n\n` : '\n\n';
	}
	if (manifest.splits) {
		const s = manifest.splits;
		text += `Splits: speaker-disjoint (no speaker is in two splits), stratified by dialect tag where possible, target ratios train ${s.ratios.train} / dev ${s.ratios.dev} / test ${s.ratios.test}, seed ${s.seed}; speakers per split: train ${s.speakers.train}, dev ${s.speakers.dev}, test ${s.speakers.test}.\n\n`;
	}
	text += table('Per split', c.bySplit) + table('Per dialect', c.byDialect) + table('Per speaker', c.bySpeaker);
	text += `## Selection\n\n${filter.length ? filter.map(([k, v]) => `- ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('\n') : '- every segment of the project'}\n\n`;
	text += `Options: \`${JSON.stringify(manifest.options)}\`\n\nmanifest.json has all of this in machine-readable form.\n`;
	return text;
}
