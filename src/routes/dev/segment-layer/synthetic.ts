/**
 * Deterministic synthetic segments for the segment-layer harness and benchmarks: `n` segments
 * spread over `durationMs`, three speakers plus unassigned, some cross-speaker overlaps, Chinese
 * texts of varied length (some empty), tags and states.
 */
import type { EditorSegment } from '$lib/editor/segments/segment-types';

export const SYNTH_SPEAKERS = [
	{ id: 'spk-synth-a-000000001', name: 'Speaker A', code: 'A' },
	{ id: 'spk-synth-b-000000002', name: 'Speaker B', code: 'B' },
	{ id: 'spk-synth-c-000000003', name: 'Speaker C', code: 'C' }
] as const;

export const SYNTH_TAGS = [
	{ id: 'tag-yue', parentId: null, code: 'yue', nameEn: 'Cantonese', nameZh: '粤语' },
	{ id: 'tag-yue-gz', parentId: 'tag-yue', code: 'yue-gz', nameEn: 'Guangzhou', nameZh: '广州话' },
	{ id: 'tag-yue-hk', parentId: 'tag-yue', code: 'yue-hk', nameEn: 'Hong Kong', nameZh: '香港粤语' },
	{ id: 'tag-wuu', parentId: null, code: 'wuu', nameEn: 'Wu', nameZh: '吴语' },
	{ id: 'tag-nan', parentId: null, code: 'nan', nameEn: 'Min Nan', nameZh: '闽南语' }
] as const;

const PHRASES = [
	'我哋而家去边度食饭',
	'侬今朝夜到做啥',
	'阿拉一道去白相',
	'nei5 hou2 sik6 zo2 faan6 mei6',
	'汝食饱未',
	'今日天气几好',
	'佢话听日唔得闲',
	'la ni hao, ngu sz zanghe nin',
	'呢个问题我谂过好耐',
	'伊讲伊勿晓得'
];
const STATES = ['new', 'new', 'transcribed', 'transcribed', 'reviewed'];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function syntheticSegments(n: number, durationMs: number, seed = 42): EditorSegment[] {
	const rand = prng(seed);
	const slot = durationMs / Math.max(1, n);
	const out: EditorSegment[] = [];
	let prevSpeaker: string | null = null;
	for (let i = 0; i < n; i++) {
		const r = rand();
		let speakerId: string | null = r < 0.1 ? null : SYNTH_SPEAKERS[Math.floor(rand() * 3)].id;
		let start = i * slot + rand() * 0.1 * slot;
		// Every ninth segment overlaps the previous one (another speaker cutting in).
		if (i % 9 === 0 && i > 0) {
			if (speakerId === prevSpeaker) speakerId = SYNTH_SPEAKERS.find((s) => s.id !== prevSpeaker)!.id;
			start -= 0.3 * slot;
		}
		const len = slot * (0.6 + rand() * 0.3);
		const startMs = Math.max(0, Math.round(start));
		const endMs = Math.min(durationMs, Math.max(startMs + 60, Math.round(start + len)));
		const phrase = PHRASES[Math.floor(rand() * PHRASES.length)];
		const hasText = rand() > 0.2;
		const text = hasText ? `${phrase}${rand() > 0.5 ? '，' + PHRASES[Math.floor(rand() * PHRASES.length)] : ''} #${i}` : '';
		out.push({
			id: `synth-${String(i).padStart(7, '0')}-${Math.floor(rand() * 1e9).toString(36).padStart(6, '0')}`,
			startMs,
			endMs,
			speakerId,
			dialectTagId: rand() < 0.3 ? null : SYNTH_TAGS[Math.floor(rand() * SYNTH_TAGS.length)].id,
			texts: hasText ? { transcript: text } : {},
			status: hasText ? STATES[Math.floor(rand() * STATES.length)] : 'new',
			version: 1
		});
		prevSpeaker = speakerId;
	}
	return out;
}

/** A cheap deterministic "waveform" amplitude in [0, 1] for time t (harness background only). */
export function fakeAmplitude(t: number): number {
	const s = Math.abs(Math.sin(t / 1700) * Math.sin(t / 290 + 1.3));
	const grain = Math.abs(Math.sin(t * 0.0731) * Math.sin(t * 0.01137));
	return Math.min(1, 0.08 + 0.75 * s * (0.55 + 0.45 * grain));
}
