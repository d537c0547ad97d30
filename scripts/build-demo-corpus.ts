/**
 * `npm run demo:build`: synthesizes the demo corpus with espeak-ng and writes it, with its
 * manifest, to scripts/demo-corpus/ (committed, so a fresh machine needs no espeak-ng).
 *
 * Each recording is a short two-speaker dialogue: every line is spoken by espeak-ng on its own,
 * its voiced span is measured on the samples, and the lines are laid end to end with pauses over a
 * faint noise floor (real recordings are never digitally silent). Segment times in the manifest come
 * from those measured spans, so they match the audio to the sample (rounded to ms).
 *
 * espeak-ng reads Cantonese characters, but for Mandarin (Debian builds lack the extended cmn
 * dictionary) and Hakka it needs romanization, so those lines are spoken from their pinyin /
 * Pha̍k-fa-sṳ (tone numbers) while the transcript layer keeps the characters.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoManifest, DemoRecording, DemoSpeaker, DemoTagNode } from '../server/demo/demo-manifest.ts';
import { resolveMediaTools, runTool } from '../server/media/ffmpeg.ts';

const OUT_DIR = fileURLToPath(new URL('./demo-corpus/', import.meta.url));
const OPUS_BITRATE = '24k';
const LEAD_MS = 700;
const TAIL_MS = 900;
const DEFAULT_PAUSE_MS = 850;
/** Margin kept around each measured voiced span, as a transcriber would. */
const SEGMENT_PAD_MS = 40;
/** A sample counts as voiced above this fraction of full scale. */
const VOICED_THRESHOLD = 0.02;
/** Noise floor amplitude (int16 units, ≈ −60 dBFS RMS). */
const NOISE_AMPLITUDE = 60;

interface Voice {
	/** espeak-ng voice with variant, e.g. `yue+m3`. */
	voice: string;
	pitch: number;
	speed: number;
}

interface Line {
	speaker: string;
	/** Text per layer: transcript (dialect characters), romanization, mandarin translation. */
	texts: { transcript: string; romanization?: string; mandarin: string };
	/** Silence after this line. */
	pauseMs?: number;
}

interface ScriptRecording {
	file: string;
	name: string;
	place: string;
	dialect: string;
	/** How many of the first lines start out as transcribed segments. */
	prefilled: number;
	/** Which layer espeak-ng reads aloud (it reads Cantonese characters, not Mandarin or Hakka ones). */
	speakFrom: 'transcript' | 'romanization';
	voices: Record<string, Voice>;
	lines: Line[];
}

const EXTRA_DIALECT_TAGS: DemoTagNode[] = [
	{
		code: 'eng',
		nameEn: 'English',
		nameZh: '英语',
		children: [
			{ code: 'eng-sco', nameEn: 'Scottish English', nameZh: '苏格兰英语' },
			{ code: 'eng-nyc', nameEn: 'New York City English', nameZh: '纽约英语' }
		]
	}
];

const SPEAKERS: DemoSpeaker[] = [
	{ code: 'GZ01', name: '陈伯 Chan Bak', gender: 'male', ageBand: '60-69', homeDialect: 'yue-gz', place: '广州 Guangzhou' },
	{ code: 'GZ02', name: '阿芳 Ah Fong', gender: 'female', ageBand: '30-39', homeDialect: 'yue-gz', place: '广州 Guangzhou' },
	{ code: 'BJ01', name: '小王 Xiao Wang', gender: 'male', ageBand: '20-29', homeDialect: 'cmn', place: '北京 Beijing' },
	{ code: 'BJ02', name: '李阿姨 Auntie Li', gender: 'female', ageBand: '50-59', homeDialect: 'cmn', place: '北京 Beijing' },
	{ code: 'MX01', name: '阿婆 Grandma Liu', gender: 'female', ageBand: '70-79', homeDialect: 'hak-mx', place: '梅县 Meixian' },
	{ code: 'MX02', name: '阿明 Ah Min', gender: 'male', ageBand: '20-29', homeDialect: 'hak-mx', place: '梅县 Meixian' },
	{ code: 'SC01', name: 'Morag', gender: 'female', ageBand: '40-49', homeDialect: 'eng-sco', place: 'Edinburgh' },
	{ code: 'NY01', name: 'Sal', gender: 'male', ageBand: '50-59', homeDialect: 'eng-nyc', place: 'Brooklyn, New York' }
];

const SCRIPT: ScriptRecording[] = [
	{
		file: 'cantonese-market.opus',
		name: '街市买菜 At the wet market (Cantonese)',
		place: '广州 Guangzhou',
		dialect: 'yue-gz',
		prefilled: 4,
		speakFrom: 'transcript',
		voices: { GZ01: { voice: 'yue+m3', pitch: 38, speed: 150 }, GZ02: { voice: 'yue+f3', pitch: 62, speed: 160 } },
		lines: [
			{ speaker: 'GZ01', texts: { transcript: '早晨！今日啲菜好新鮮㗎。', romanization: 'zou2 san4! gam1 jat6 di1 coi3 hou2 san1 sin1 gaa3.', mandarin: '早上好！今天的菜很新鲜。' } },
			{ speaker: 'GZ02', texts: { transcript: '菜心幾多錢一斤呀？', romanization: 'coi3 sam1 gei2 do1 cin2 jat1 gan1 aa3?', mandarin: '菜心多少钱一斤？' } },
			{ speaker: 'GZ01', texts: { transcript: '十蚊一斤，今朝啱啱到嘅。', romanization: 'sap6 man1 jat1 gan1, gam1 ziu1 ngaam1 ngaam1 dou3 ge3.', mandarin: '十块钱一斤，今天早上刚到的。' }, pauseMs: 1100 },
			{ speaker: 'GZ02', texts: { transcript: '咁俾兩斤我啦，唔該。', romanization: 'gam2 bei2 loeng5 gan1 ngo5 laa1, m4 goi1.', mandarin: '那给我两斤吧，谢谢。' } },
			{ speaker: 'GZ01', texts: { transcript: '好，一共二十蚊，要唔要膠袋？', romanization: 'hou2, jat1 gung6 ji6 sap6 man1, jiu3 m4 jiu3 gaau1 doi2?', mandarin: '好的，一共二十块，要不要塑料袋？' } },
			{ speaker: 'GZ02', texts: { transcript: '唔使喇，我有帶袋。', romanization: 'm4 sai2 laa3, ngo5 jau5 daai3 doi2.', mandarin: '不用了，我带了袋子。' }, pauseMs: 700 },
			{ speaker: 'GZ01', texts: { transcript: '多謝晒，聽日見！', romanization: 'do1 ze6 saai3, ting1 jat6 gin3!', mandarin: '非常感谢，明天见！' } }
		]
	},
	{
		file: 'mandarin-directions.opus',
		name: '问路 Asking the way (Mandarin)',
		place: '北京 Beijing',
		dialect: 'cmn',
		prefilled: 4,
		speakFrom: 'romanization',
		voices: {
			BJ01: { voice: 'cmn-latn-pinyin+m1', pitch: 45, speed: 155 },
			BJ02: { voice: 'cmn-latn-pinyin+f2', pitch: 60, speed: 150 }
		},
		lines: [
			{ speaker: 'BJ01', texts: { transcript: '请问，去火车站怎么走？', romanization: 'qing3 wen4, qu4 huo3 che1 zhan4 zen3 me zou3?', mandarin: '请问，去火车站怎么走？' } },
			{ speaker: 'BJ02', texts: { transcript: '一直往前走，到第二个路口往左拐。', romanization: 'yi4 zhi2 wang3 qian2 zou3, dao4 di4 er4 ge4 lu4 kou3 wang3 zuo3 guai3.', mandarin: '一直往前走，到第二个路口往左拐。' } },
			{ speaker: 'BJ01', texts: { transcript: '远不远？走路要多长时间？', romanization: 'yuan3 bu4 yuan3? zou3 lu4 yao4 duo1 chang2 shi2 jian1?', mandarin: '远不远？走路要多长时间？' }, pauseMs: 1000 },
			{ speaker: 'BJ02', texts: { transcript: '不远，大概十分钟就到了。', romanization: 'bu4 yuan3, da4 gai4 shi2 fen1 zhong1 jiu4 dao4 le.', mandarin: '不远，大概十分钟就到了。' } },
			{ speaker: 'BJ01', texts: { transcript: '附近有地铁站吗？', romanization: 'fu4 jin4 you3 di4 tie3 zhan4 ma?', mandarin: '附近有地铁站吗？' } },
			{ speaker: 'BJ02', texts: { transcript: '有，就在火车站对面。', romanization: 'you3, jiu4 zai4 huo3 che1 zhan4 dui4 mian4.', mandarin: '有，就在火车站对面。' }, pauseMs: 600 },
			{ speaker: 'BJ01', texts: { transcript: '太好了，谢谢您！', romanization: 'tai4 hao3 le, xie4 xie nin2!', mandarin: '太好了，谢谢您！' } }
		]
	},
	{
		file: 'hakka-family.opus',
		name: '食饱吂 Have you eaten? (Hakka)',
		place: '梅县 Meixian',
		dialect: 'hak-mx',
		prefilled: 4,
		speakFrom: 'romanization',
		voices: { MX01: { voice: 'hak+f4', pitch: 55, speed: 135 }, MX02: { voice: 'hak+m2', pitch: 42, speed: 150 } },
		lines: [
			{ speaker: 'MX02', texts: { transcript: '阿婆，食飽吂？', romanization: 'a1 pho2, shit8 pau3 mang2?', mandarin: '奶奶，吃饱了没有？' } },
			{ speaker: 'MX01', texts: { transcript: '食飽了，你呢？', romanization: 'shit8 pau3 le3, ngi2 ne1?', mandarin: '吃饱了，你呢？' } },
			{ speaker: 'MX02', texts: { transcript: '𠊎還吂食。', romanization: 'ngai2 han2 mang2 shit8.', mandarin: '我还没吃。' }, pauseMs: 1000 },
			{ speaker: 'MX01', texts: { transcript: '屋下有飯，快兜去食。', romanization: 'vuk7 ka1 yu1 fan4, khuai4 teu1 hi4 shit8.', mandarin: '家里有饭，快点去吃。' } },
			{ speaker: 'MX02', texts: { transcript: '好，承蒙你，阿婆。', romanization: 'ho3, shin2 mung2 ngi2, a1 pho2.', mandarin: '好，谢谢你，奶奶。' } },
			{ speaker: 'MX01', texts: { transcript: '毋使客氣，食飽正去讀書。', romanization: 'm2 sii3 hak7 hi4, shit8 pau3 tsang4 hi4 thuk8 su1.', mandarin: '不用客气，吃饱了再去读书。' } }
		]
	},
	{
		file: 'english-fieldwork.opus',
		name: 'Fieldwork interview (Scottish and New York English)',
		place: 'Brooklyn, New York',
		dialect: 'eng',
		prefilled: 4,
		speakFrom: 'transcript',
		voices: {
			SC01: { voice: 'en-gb-scotland+f3', pitch: 58, speed: 160 },
			NY01: { voice: 'en-us-nyc+m3', pitch: 40, speed: 165 }
		},
		lines: [
			{ speaker: 'SC01', texts: { transcript: 'Good morning. Thanks for sitting down with me today.', mandarin: '早上好。谢谢你今天抽空和我聊聊。' } },
			{ speaker: 'NY01', texts: { transcript: "Sure, no problem. I've lived in Brooklyn my whole life.", mandarin: '没问题。我一辈子都住在布鲁克林。' } },
			{ speaker: 'SC01', texts: { transcript: "Could you tell me how you'd say the word for coffee?", mandarin: '你能说说“咖啡”这个词你怎么念吗？' } },
			{ speaker: 'NY01', texts: { transcript: 'Coffee. We say cawfee around here, everybody knows that.', mandarin: '咖啡。我们这儿都念“cawfee”，大家都知道。' }, pauseMs: 1100 },
			{ speaker: 'SC01', texts: { transcript: 'Lovely. And what would you call a long sandwich?', mandarin: '很好。那长条的三明治你们叫什么？' } },
			{ speaker: 'NY01', texts: { transcript: "That's a hero. Upstate they might call it a sub.", mandarin: '那叫 hero。在纽约州北部可能叫 sub。' } },
			{ speaker: 'SC01', texts: { transcript: "Brilliant, that's exactly what I needed. Cheers!", mandarin: '太好了，这正是我需要的。谢谢！' } }
		]
	}
];

/** Per-line dialect: the English recording has one variety per speaker. */
function lineDialect(recording: ScriptRecording, speaker: string): string {
	if (recording.dialect !== 'eng') return recording.dialect;
	return SPEAKERS.find((s) => s.code === speaker)?.homeDialect ?? recording.dialect;
}

interface Pcm {
	sampleRate: number;
	samples: Int16Array;
}

/** Reads a mono 16-bit PCM WAV (as espeak-ng writes it). */
function readWav(file: string): Pcm {
	const buf = readFileSync(file);
	if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
	let offset = 12;
	let sampleRate = 0;
	while (offset + 8 <= buf.length) {
		const id = buf.toString('ascii', offset, offset + 4);
		const size = buf.readUInt32LE(offset + 4);
		const body = offset + 8;
		if (id === 'fmt ') {
			const format = buf.readUInt16LE(body);
			const channels = buf.readUInt16LE(body + 2);
			const bits = buf.readUInt16LE(body + 14);
			if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${file}: expected mono 16-bit PCM`);
			sampleRate = buf.readUInt32LE(body + 4);
		} else if (id === 'data') {
			// espeak-ng may leave the size field unset when it cannot seek; take what is there.
			const end = Math.min(buf.length, size > 0 && size < 0x7fffffff ? body + size : buf.length);
			const bytes = buf.subarray(body, end - ((end - body) % 2));
			const samples = new Int16Array(bytes.length / 2);
			for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
			return { sampleRate, samples };
		}
		offset = body + size + (size % 2);
	}
	throw new Error(`${file}: no data chunk`);
}

function wavBytes(pcm: Pcm): Buffer {
	const data = Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength);
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVEfmt ', 8, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(pcm.sampleRate, 24);
	header.writeUInt32LE(pcm.sampleRate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

/** First and last sample index above the voiced threshold. */
function voicedSpan(samples: Int16Array): { first: number; last: number } {
	const limit = VOICED_THRESHOLD * 32767;
	let first = 0;
	while (first < samples.length && Math.abs(samples[first]) < limit) first++;
	let last = samples.length - 1;
	while (last > first && Math.abs(samples[last]) < limit) last--;
	if (first >= samples.length) throw new Error('espeak-ng produced silence');
	return { first, last };
}

function speak(voice: Voice, text: string, wavFile: string): Pcm {
	const args = ['-v', voice.voice, '-p', String(voice.pitch), '-s', String(voice.speed), '-w', wavFile, text];
	const result = spawnSync('espeak-ng', args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`espeak-ng ${args.join(' ')} failed: ${result.stderr}`);
	return readWav(wavFile);
}

/** Deterministic noise (mulberry32), so a rebuild gives the same audio. */
function noise(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
	};
}

async function buildRecording(recording: ScriptRecording, index: number, tmp: string, ffmpeg: string): Promise<DemoRecording> {
	const spoken = recording.lines.map((line, i) => {
		const voice = recording.voices[line.speaker];
		if (!voice) throw new Error(`${recording.file}: no voice for ${line.speaker}`);
		const text = line.texts[recording.speakFrom] ?? line.texts.transcript;
		return speak(voice, text, path.join(tmp, `${index}-${i}.wav`));
	});
	const sampleRate = spoken[0].sampleRate;
	if (spoken.some((p) => p.sampleRate !== sampleRate)) throw new Error('espeak-ng changed sample rate between lines');
	const ms = (n: number) => Math.round((n * 1000) / sampleRate);
	const samplesOf = (msValue: number) => Math.round((msValue * sampleRate) / 1000);

	const pieces: Int16Array[] = [];
	let cursor = 0;
	const silence = (durationMs: number) => {
		const n = samplesOf(durationMs);
		pieces.push(new Int16Array(n));
		cursor += n;
	};
	const spans: { startMs: number; endMs: number }[] = [];
	silence(LEAD_MS);
	spoken.forEach((pcm, i) => {
		const { first, last } = voicedSpan(pcm.samples);
		// Keep only the voiced part plus a little air, so pauses are exactly what the script says.
		const from = Math.max(0, first - samplesOf(SEGMENT_PAD_MS));
		const to = Math.min(pcm.samples.length, last + 1 + samplesOf(SEGMENT_PAD_MS));
		spans.push({ startMs: ms(cursor + (first - from)), endMs: ms(cursor + (last + 1 - from)) });
		pieces.push(pcm.samples.subarray(from, to));
		cursor += to - from;
		silence(i === spoken.length - 1 ? TAIL_MS : (recording.lines[i].pauseMs ?? DEFAULT_PAUSE_MS));
	});

	const samples = new Int16Array(cursor);
	let at = 0;
	for (const piece of pieces) {
		samples.set(piece, at);
		at += piece.length;
	}
	const rand = noise(0x5eed + index);
	for (let i = 0; i < samples.length; i++) {
		samples[i] = Math.max(-32768, Math.min(32767, samples[i] + Math.round(rand() * 2 * NOISE_AMPLITUDE)));
	}
	const wavFile = path.join(tmp, `${index}.wav`);
	writeFileSync(wavFile, wavBytes({ sampleRate, samples }));

	const outFile = path.join(OUT_DIR, recording.file);
	// bitexact: no random Ogg serial number and no encoder tag, so a rebuild is byte-identical.
	await runTool(ffmpeg, [
		'-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
		'-i', wavFile,
		'-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact',
		'-ac', '1', '-c:a', 'libopus', '-b:a', OPUS_BITRATE, '-application', 'voip',
		outFile
	]);
	const bytes = readFileSync(outFile);

	const pad = SEGMENT_PAD_MS;
	const durationMs = ms(samples.length);
	const padded = spans.map((s) => ({ startMs: Math.max(0, s.startMs - pad), endMs: Math.min(durationMs, s.endMs + pad) }));
	return {
		file: recording.file,
		name: recording.name,
		sha256: createHash('sha256').update(bytes).digest('hex'),
		sizeBytes: bytes.length,
		durationMs,
		place: recording.place,
		speakers: [...new Set(recording.lines.map((l) => l.speaker))],
		utterances: padded.map((s, i) => ({ ...s, speaker: recording.lines[i].speaker })),
		segments: recording.lines.slice(0, recording.prefilled).map((line, i) => ({
			...padded[i],
			speaker: line.speaker,
			dialect: lineDialect(recording, line.speaker),
			texts: Object.fromEntries(
				Object.entries(line.texts).filter(([, text]) => text).map(([key, text]) => [key, text.normalize('NFC')])
			),
			status: 'transcribed'
		}))
	};
}

async function main() {
	const version = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' });
	if (version.status !== 0) {
		process.stderr.write('espeak-ng not found: install it (Debian/Ubuntu: apt-get install -y espeak-ng).\n');
		return 1;
	}
	const { ffmpeg } = resolveMediaTools({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
	mkdirSync(OUT_DIR, { recursive: true });
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'fangyan-demo-'));
	try {
		const recordings: DemoRecording[] = [];
		for (const [i, recording] of SCRIPT.entries()) {
			const built = await buildRecording(recording, i, tmp, ffmpeg);
			recordings.push(built);
			process.stdout.write(
				`${built.file}: ${(built.durationMs / 1000).toFixed(1)} s, ${(built.sizeBytes / 1024).toFixed(0)} KiB, ` +
					`${built.utterances.length} utterances, ${built.segments.length} pre-filled\n`
			);
		}
		const manifest: DemoManifest = {
			version: 1,
			generator: `scripts/build-demo-corpus.ts: ${version.stdout.trim().split(' ').slice(0, 4).join(' ')}; Opus ${OPUS_BITRATE} mono`,
			extraDialectTags: EXTRA_DIALECT_TAGS,
			speakers: SPEAKERS,
			recordings
		};
		writeFileSync(path.join(OUT_DIR, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
		const total = recordings.reduce((sum, r) => sum + r.sizeBytes, 0);
		process.stdout.write(`wrote ${recordings.length} recordings (${(total / 1024).toFixed(0)} KiB) and manifest.json to ${OUT_DIR}\n`);
		return 0;
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(err) => {
		process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
		process.exit(1);
	}
);
