/**
 * The checks of Kaldi's utils/validate_data_dir.sh (--no-feats) and validate_text.pl, re-done in
 * TypeScript (Kaldi is not packaged): returns the problems found in a data directory's files.
 */
export function checkKaldiDir(files: Record<string, string>): string[] {
	const problems: string[] = [];
	const parsed: Record<string, string[][]> = {};
	for (const [name, text] of Object.entries(files)) {
		if (text.includes('\r')) problems.push(`${name}: contains CR`);
		if (text !== '' && !text.endsWith('\n')) problems.push(`${name}: no final newline`);
		const lines = text === '' ? [] : text.slice(0, -1).split('\n');
		parsed[name] = lines.map((l) => l.split(' '));
		const keys = lines.map((l) => l.split(' ')[0]);
		for (let i = 1; i < keys.length; i++) {
			const order = Buffer.compare(Buffer.from(keys[i - 1]), Buffer.from(keys[i]));
			if (order >= 0) problems.push(`${name}: line ${i + 1} key ${keys[i]} is ${order === 0 ? 'a duplicate' : 'not sorted (LC_ALL=C)'}`);
		}
		lines.forEach((l, i) => {
			if (/^\s|\s$|  /.test(l)) problems.push(`${name}: line ${i + 1} has stray spaces`);
		});
	}
	const need = ['wav.scp', 'segments', 'text', 'utt2spk', 'spk2utt'];
	for (const n of need) if (!(n in files)) problems.push(`missing ${n}`);
	if (problems.some((p) => p.startsWith('missing'))) return problems;
	const utts = parsed.utt2spk.map((f) => f[0]);
	parsed.utt2spk.forEach((f, i) => {
		if (f.length !== 2) problems.push(`utt2spk: line ${i + 1} has ${f.length} fields`);
		if (i > 0 && Buffer.compare(Buffer.from(parsed.utt2spk[i - 1][1]), Buffer.from(f[1])) > 0) problems.push(`utt2spk: not sorted by speaker at line ${i + 1}`);
	});
	// spk2utt must be exactly utt2spk_to_spk2utt.pl of utt2spk.
	const expected = new Map<string, string[]>();
	for (const [utt, spk] of parsed.utt2spk) expected.set(spk, [...(expected.get(spk) ?? []), utt]);
	const spk2utt = [...expected].map(([spk, list]) => `${spk} ${list.join(' ')}\n`).join('');
	if (spk2utt !== files.spk2utt) problems.push('spk2utt does not match utt2spk');
	for (const name of ['text', 'segments', 'utt2dur', 'utt2lang']) {
		if (!(name in parsed)) continue;
		const list = parsed[name].map((f) => f[0]);
		if (list.join('\n') !== utts.join('\n')) problems.push(`${name}: utterance list differs from utt2spk`);
	}
	parsed.segments.forEach((f, i) => {
		if (f.length !== 4) problems.push(`segments: line ${i + 1} has ${f.length} fields`);
		const [start, end] = [Number(f[2]), Number(f[3])];
		if (!(start >= 0) || !(end > start)) problems.push(`segments: line ${i + 1} needs 0 <= start < end`);
	});
	const recordings = new Set(parsed.segments.map((f) => f[1]));
	const wavKeys = new Set(parsed['wav.scp'].map((f) => f[0]));
	if ([...recordings].sort().join() !== [...wavKeys].sort().join()) problems.push('segments recordings differ from wav.scp keys');
	parsed.text.forEach((f, i) => {
		const words = f.slice(1);
		if (words.some((w) => w === '<s>' || w === '</s>' || w === '#0')) problems.push(`text: line ${i + 1} has a forbidden word`);
		if (/[\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\t]/.test(files.text.split('\n')[i])) problems.push(`text: line ${i + 1} has Unicode white space`);
	});
	return problems;
}
