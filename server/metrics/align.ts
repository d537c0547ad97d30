/**
 * Minimum-edit alignment of a reference and a hypothesis token sequence, the way NIST sclite does it
 * (SCTK src/sclite/net_dp.c + word.c, wwd_WORD), so that the substitution, deletion and insertion
 * counts — not only their sum — equal sclite's:
 *
 *  - costs: correct 0, substitution 4, deletion 3, insertion 3;
 *  - a cell takes the diagonal (correct or substitution) when it costs no more than both deletion
 *    and insertion, else deletion when strictly cheaper than insertion, else insertion;
 *  - the path is read back from the last cell.
 *
 * Because each cell's choice is fixed when the cell is filled, the path read back from the end is
 * the chain of choices, and the counts along it can be carried forward: `countEdits` needs two rows
 * of two Int32Arrays (O(m) memory, O(n·m) time); `alignTokens` keeps the choices to return the path.
 */

export const SUBSTITUTION_COST = 4;
export const INSERTION_COST = 3;
export const DELETION_COST = 3;

export interface EditCounts {
	/** Reference tokens matched by an equal hypothesis token. */
	correct: number;
	substitutions: number;
	deletions: number;
	insertions: number;
	/** Reference length N = correct + substitutions + deletions. */
	refLength: number;
}

export type AlignmentOp =
	| { op: 'correct'; ref: string; hyp: string }
	| { op: 'substitution'; ref: string; hyp: string }
	| { op: 'deletion'; ref: string }
	| { op: 'insertion'; hyp: string };

/** Token strings as small integers (hypothesis tokens absent from the reference get -1), so the
 * inner loop compares numbers. */
function intern(ref: readonly string[], hyp: readonly string[]): [Int32Array, Int32Array] {
	const ids = new Map<string, number>();
	const r = new Int32Array(ref.length);
	for (let i = 0; i < ref.length; i++) {
		let id = ids.get(ref[i]);
		if (id === undefined) ids.set(ref[i], (id = ids.size));
		r[i] = id;
	}
	const h = new Int32Array(hyp.length);
	for (let j = 0; j < hyp.length; j++) h[j] = ids.get(hyp[j]) ?? -1;
	return [r, h];
}

/**
 * S/D/I/C of sclite's alignment of `hyp` against `ref`.
 *
 * Every path to cell (i, j) has D − I = i − j (it consumed i reference and j hypothesis tokens), so
 * its cost 4S + 3(D + I) equals 2·(2S + 3D) − 3(i − j): comparing paths into one cell means
 * comparing w = 2S + 3D, and a row only needs w and D (S = (w − 3D) / 2, I = D − i + j).
 */
export function countEdits(ref: readonly string[], hyp: readonly string[]): EditCounts {
	const n = ref.length;
	const m = hyp.length;
	if (n === 0) return { correct: 0, substitutions: 0, deletions: 0, insertions: m, refLength: 0 };
	if (m === 0) return { correct: 0, substitutions: 0, deletions: n, insertions: 0, refLength: n };
	const [r, h] = intern(ref, hyp);
	// w = 2S + 3D and D of the chosen path into each cell of the previous and current rows.
	let prevW = new Int32Array(m + 1);
	let curW = new Int32Array(m + 1);
	let prevD = new Int32Array(m + 1);
	let curD = new Int32Array(m + 1);
	for (let i = 1; i <= n; i++) {
		curW[0] = prevW[0] + 3;
		curD[0] = i;
		const ri = r[i - 1];
		for (let j = 1; j <= m; j++) {
			const sub = prevW[j - 1] + (ri === h[j - 1] ? 0 : 2);
			const del = prevW[j] + 3;
			const ins = curW[j - 1];
			if (sub <= del && sub <= ins) {
				curW[j] = sub;
				curD[j] = prevD[j - 1];
			} else if (del < ins) {
				curW[j] = del;
				curD[j] = prevD[j] + 1;
			} else {
				curW[j] = ins;
				curD[j] = curD[j - 1];
			}
		}
		const w = prevW;
		prevW = curW;
		curW = w;
		const d = prevD;
		prevD = curD;
		curD = d;
	}
	const deletions = prevD[m];
	const substitutions = (prevW[m] - 3 * deletions) / 2;
	return {
		correct: n - substitutions - deletions,
		substitutions,
		deletions,
		insertions: deletions - n + m,
		refLength: n
	};
}

const DIAGONAL = 0;
const UP = 1; // deletion: ref advances
const LEFT = 2; // insertion: hyp advances

/** sclite's alignment path, reference order; its counts equal `countEdits`. */
export function alignTokens(ref: readonly string[], hyp: readonly string[]): AlignmentOp[] {
	const n = ref.length;
	const m = hyp.length;
	const [r, h] = intern(ref, hyp);
	const width = m + 1;
	const back = new Uint8Array((n + 1) * width);
	let prev = new Int32Array(width);
	let cur = new Int32Array(width);
	for (let j = 1; j <= m; j++) {
		prev[j] = j * INSERTION_COST;
		back[j] = LEFT;
	}
	for (let i = 1; i <= n; i++) {
		cur[0] = prev[0] + DELETION_COST;
		back[i * width] = UP;
		const ri = r[i - 1];
		for (let j = 1; j <= m; j++) {
			const sub = prev[j - 1] + (ri === h[j - 1] ? 0 : SUBSTITUTION_COST);
			const del = prev[j] + DELETION_COST;
			const ins = cur[j - 1] + INSERTION_COST;
			if (sub <= del && sub <= ins) {
				cur[j] = sub;
				back[i * width + j] = DIAGONAL;
			} else if (del < ins) {
				cur[j] = del;
				back[i * width + j] = UP;
			} else {
				cur[j] = ins;
				back[i * width + j] = LEFT;
			}
		}
		[prev, cur] = [cur, prev];
	}
	const ops: AlignmentOp[] = [];
	let i = n;
	let j = m;
	while (i > 0 || j > 0) {
		const step = back[i * width + j];
		if (step === DIAGONAL) {
			i--;
			j--;
			ops.push(r[i] === h[j] ? { op: 'correct', ref: ref[i], hyp: hyp[j] } : { op: 'substitution', ref: ref[i], hyp: hyp[j] });
		} else if (step === UP) {
			i--;
			ops.push({ op: 'deletion', ref: ref[i] });
		} else {
			j--;
			ops.push({ op: 'insertion', hyp: hyp[j] });
		}
	}
	return ops.reverse();
}

/** Counts of an alignment path. */
export function countOps(ops: readonly AlignmentOp[]): EditCounts {
	const counts: EditCounts = { correct: 0, substitutions: 0, deletions: 0, insertions: 0, refLength: 0 };
	for (const { op } of ops) {
		if (op === 'correct') counts.correct++;
		else if (op === 'substitution') counts.substitutions++;
		else if (op === 'deletion') counts.deletions++;
		else counts.insertions++;
	}
	counts.refLength = counts.correct + counts.substitutions + counts.deletions;
	return counts;
}
