/** The goals of issues 2, 3, 7 and 8, by latest.json name. */
export interface Target {
	op: '<=' | '>=';
	value: number;
	unit: string;
	what: string;
	issue: 2 | 3 | 7 | 8;
}

export const TARGETS: Record<string, Target> = {
	ingest_ratio_1h: { op: '<=', value: 1.25, unit: '×', issue: 2, what: 'ingest of 1 h ÷ ffmpeg alone making the same rendition' },
	ingest_rss_ratio_10h_1h: { op: '<=', value: 1.2, unit: '×', issue: 2, what: 'peak RSS of ingest, 10 h ÷ 1 h' },
	clip_p95_s_10h: { op: '<=', value: 0.3, unit: 's', issue: 2, what: '30-s clip anywhere in 10 h, p95 latency' },
	clip_late_early_ratio: { op: '<=', value: 1.5, unit: '×', issue: 2, what: 'clip latency, last hour ÷ first hour (medians)' },
	save_p99_ms_100c: { op: '<=', value: 50, unit: 'ms', issue: 2, what: 'autosave p99, 100 concurrent clients' },
	saves_per_s_100c: { op: '>=', value: 1000, unit: '/s', issue: 2, what: 'autosave throughput, 100 concurrent clients' },
	ttfw_s_2h: { op: '<=', value: 0.3, unit: 's', issue: 3, what: 'time to first waveform, 2 h recording, peaks ready' },
	ttfw_ratio_10h_1h: { op: '<=', value: 1.5, unit: '×', issue: 3, what: 'time to first waveform, 10 h ÷ 1 h' },
	ttfw_vs_decode_ratio_1h: { op: '<=', value: 0.05, unit: '×', issue: 3, what: "first waveform ÷ wavesurfer's decode-the-whole-file path, 1 h" },
	seg10k_build_ms: { op: '<=', value: 100, unit: 'ms', issue: 3, what: 'build + paint 10,000 segments (2 h)' },
	seg10k_longest_task_ms: { op: '<=', value: 50, unit: 'ms', issue: 3, what: 'longest task while building 10,000 segments' },
	seg10k_scroll_p95_ratio: { op: '<=', value: 1.25, unit: '×', issue: 3, what: 'p95 scroll/zoom frame, 10,000 segments ÷ none' },
	seg10k_tick_ms: { op: '<=', value: 0.5, unit: 'ms', issue: 3, what: 'per-frame playback work at 10,000 segments' },
	seg10k_edit_ms: { op: '<=', value: 4, unit: 'ms', issue: 3, what: 'editing one segment at 10,000 segments' },
	heap_mb_10h_10k: { op: '<=', value: 64, unit: 'MB', issue: 3, what: 'JS heap, 10 h recording with 10,000 segments' },
	seek_error_ms_max: { op: '<=', value: 2, unit: 'ms', issue: 3, what: 'seek landing error at 10/50/90% of 1 h (worst target, median of 3 tries)' },
	diff_ms_200_chars: { op: '<=', value: 1, unit: 'ms', issue: 8, what: "reviewer/transcriber diff of a 200-character segment (median)" },
	claim_p99_ms_1000c: { op: '<=', value: 50, unit: 'ms', issue: 8, what: 'Next task p99, 1,000 concurrent claimers on 4 app servers, one PostgreSQL' },
	claims_per_s_1000c: { op: '>=', value: 0, unit: '/s', issue: 8, what: 'claims per second while 1,000 claimers drain 20,000 tasks (reported)' },
	claim_duplicates: { op: '<=', value: 0, unit: '', issue: 8, what: 'tasks handed to two claimers (must be 0)' },
	clip_export_ratio_10h: { op: '<=', value: 1.5, unit: '×', issue: 7, what: 'exporting clips of 10 h of segmented audio ÷ ffmpeg alone decoding the recording once' },
	clip_export_x_realtime: { op: '>=', value: 200, unit: '×', issue: 7, what: 'clip export speed: seconds of clips per second of wall time' },
	metadata_export_s_500k: { op: '<=', value: 10, unit: 's', issue: 7, what: 'exporting 500,000 segments from the database, slowest metadata format (CSV, JSONL, TextGrid, EAF, SRT, WebVTT)' },
	metadata_export_rss_mb_500k: { op: '<=', value: 150, unit: 'MB', issue: 7, what: 'peak growth of anonymous RSS during one metadata export (streamed, flat memory)' },
	dashboard_max_ms_sqlite_500k: { op: '<=', value: 300, unit: 'ms', issue: 8, what: 'slowest dashboard query, 1,000 recordings / 500,000 segments / 20,000 tasks (SQLite)' },
	dashboard_max_ms_postgres_500k: { op: '<=', value: 300, unit: 'ms', issue: 8, what: 'slowest dashboard query, same project (PostgreSQL)' },
	import_textgrid_s_10k: { op: '<=', value: 2, unit: 's', issue: 7, what: 'import a 10,000-interval TextGrid: parse + preview + apply in one transaction (SQLite)' }
};

export function passes(name: string, value: number): boolean | undefined {
	const target = TARGETS[name];
	if (!target || !Number.isFinite(value)) return undefined;
	return target.op === '<=' ? value <= target.value : value >= target.value;
}
