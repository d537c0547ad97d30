/**
 * NIST trn transcripts (SCTK doc/infmts.htm): one utterance per line, its words, then the utterance
 * id in parentheses at the end of the line — `我们在这里 (spk1-utt001)`. Rules, as sclite reads them:
 *  - the id is what stands between the line's last "(" and the ")" that ends it (trailing spaces
 *    allowed); it may contain spaces, not parentheses; the text before it may be empty;
 *  - blank lines and lines starting with ";;" are skipped;
 *  - "@" is sclite's null word: it is never counted, as a token of its own in any unit.
 * Unlike sclite, a line without an id, an empty id, an id given twice, and sclite's `{ a / b }`
 * alternations are refused (TrnError with the line number) instead of being read some other way.
 */
import { countEdits } from './align.ts';
import { normalizeText } from './normalize.ts';
import { type ErrorCounts, type ScoreOptions, sumCounts, withRate } from './score.ts';
import { tokenize } from './tokenize.ts';

export interface TrnUtterance {
	id: string;
	text: string;
	/** 1-based line number in the file. */
	line: number;
}

export class TrnError extends Error {
	constructor(
		message: string,
		/** 1-based line, when the problem is on one line. */
		readonly line?: number
	) {
		super(message);
		this.name = 'TrnError';
	}
}

const TRAILING_ID = /\(([^()]*)\)\s*$/u;

/** Parses a trn file's content; `name` (a file name) prefixes error messages. */
export function parseTrn(content: string, name = 'trn'): TrnUtterance[] {
	const lines = content.replace(/^\ufeff/, '').split(/\r?\n/);
	const seen = new Map<string, number>();
	const utterances: TrnUtterance[] = [];
	for (let index = 0; index < lines.length; index++) {
		const raw = lines[index];
		const line = index + 1;
		const trimmed = raw.trim();
		if (trimmed === '' || trimmed.startsWith(';;')) continue;
		const match = TRAILING_ID.exec(raw);
		if (!match) {
			throw new TrnError(`${name}:${line}: no utterance id — a trn line ends with "(utterance-id)"`, line);
		}
		const id = match[1];
		if (id.trim() === '') throw new TrnError(`${name}:${line}: the utterance id is empty`, line);
		const text = raw.slice(0, match.index);
		if (/[{}]/u.test(text)) {
			throw new TrnError(`${name}:${line}: sclite's "{ … / … }" alternations are not supported`, line);
		}
		const first = seen.get(id);
		if (first !== undefined) {
			throw new TrnError(`${name}:${line}: utterance id (${id}) is already on line ${first}`, line);
		}
		seen.set(id, line);
		utterances.push({ id, text, line });
	}
	return utterances;
}

export interface TrnUtteranceScore extends ErrorCounts {
	id: string;
}

export interface TrnScore {
	/** In the reference file's order. */
	utterances: TrnUtteranceScore[];
	overall: ErrorCounts;
}

/**
 * Scores a hypothesis trn against a reference trn, utterance by utterance (matched by id; both files
 * must hold the same ids — the error names those missing on either side).
 */
export function scoreTrn(ref: TrnUtterance[], hyp: TrnUtterance[], options: ScoreOptions = {}, names = { ref: 'reference', hyp: 'hypothesis' }): TrnScore {
	const hypById = new Map(hyp.map((u) => [u.id, u]));
	const refIds = new Set(ref.map((u) => u.id));
	const missingInHyp = ref.filter((u) => !hypById.has(u.id)).map((u) => u.id);
	const missingInRef = hyp.filter((u) => !refIds.has(u.id)).map((u) => u.id);
	if (missingInHyp.length > 0 || missingInRef.length > 0) {
		const parts: string[] = [];
		if (missingInHyp.length > 0) parts.push(`${describeIds(missingInHyp)} in ${names.ref} but not in ${names.hyp}`);
		if (missingInRef.length > 0) parts.push(`${describeIds(missingInRef)} in ${names.hyp} but not in ${names.ref}`);
		throw new TrnError(`The files hold different utterances: ${parts.join('; ')}`);
	}
	const unit = options.unit ?? 'char';
	const tokens = (text: string) => tokenize(normalizeText(text, options), unit).filter((t) => t !== '@');
	const utterances = ref.map((r) => ({
		id: r.id,
		...withRate(countEdits(tokens(r.text), tokens(hypById.get(r.id)!.text)))
	}));
	return { utterances, overall: sumCounts(utterances) };
}

function describeIds(ids: string[]): string {
	const shown = ids.slice(0, 10).map((id) => `(${id})`).join(', ');
	const more = ids.length > 10 ? ` and ${ids.length - 10} more` : '';
	return `${ids.length === 1 ? 'utterance' : `${ids.length} utterances`} ${shown}${more}`;
}
