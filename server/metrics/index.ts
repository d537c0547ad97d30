/**
 * Transcript metrics: one pure module (no Node imports, no database) for the API, the browser and
 * the CLI. The browser imports it through the `$server` alias, as it does the peaks format:
 * `import { diffTexts } from '$server/metrics/diff'` (import the file you need — the index pulls in
 * OpenCC's ≈100-kB dictionaries with normalize.ts).
 *
 * Normalization (normalize.ts)
 *   normalizeText(text, { nfkc?, foldWidth?, foldVariants?, foldCase?, stripPunct? }): string
 *     always NFC + whitespace collapsed; options apply in that order. foldVariants = Traditional →
 *     Simplified via OpenCC (HK, then TW variants). describeNormalization(options): string[].
 *
 * Tokens (tokenize.ts) — exactly sclite's units:
 *   tokenize(text, 'char' | 'mixed' | 'word'): string[]
 *     char = every non-space code point (sclite -c); mixed = ASCII runs whole, other code points
 *     one by one (sclite -c NOASCII: 我用iPhone拍 → 我 用 iPhone 拍); word = whitespace-separated.
 *
 * Alignment (align.ts) — sclite's DP (sub 4, ins 3, del 3, its tie-breaking), so S/D/I equal sclite's:
 *   countEdits(refTokens, hypTokens): EditCounts { correct, substitutions, deletions, insertions, refLength }
 *     O(n·m) time, O(m) memory (typed arrays); 200×200 tokens in ≈0.2 ms.
 *   alignTokens(refTokens, hypTokens): AlignmentOp[]  the path itself ({ op: 'correct'|'substitution'|
 *     'deletion'|'insertion', ref?, hyp? }), e.g. to suggest error categories; countOps(ops).
 *
 * Error rates (score.ts) — ScoreOptions = NormalizeOptions & { unit?: ScoreUnit } (default 'char'):
 *   scoreTexts(ref, hyp, options): ErrorCounts  = EditCounts & { errors, errorRate: number | null }
 *   scorePairs([{ ref, hyp }], options): { total, items }          rates of sums, as sclite reports
 *   scoreGroups([{ group, ref, hyp }], options): { group, pairs, total }[]   per transcriber / tag / week
 *   scoreDoubleTranscriptions([{ a, b }], options): { aAsRef, bAsRef, symmetricErrorRate }
 *   sumCounts(counts[]), withRate(editCounts), emptyCounts(), scoringTokens(text, options)
 *   Direction: ref = reviewer's correction (vs transcriber) or gold; hyp = the transcriber's text.
 *   errorRate is null when N = 0.
 *
 * NIST trn (trn.ts):
 *   parseTrn(content, fileName?): TrnUtterance[] { id, text, line }   throws TrnError (with .line)
 *   scoreTrn(ref, hyp, options, names?): { utterances: ({ id } & ErrorCounts)[], overall }
 *     throws TrnError naming the ids found in only one file. `npx fangyan score` is built on it.
 *
 * Review diff (diff.ts) — fast-diff over display tokens (CJK per character, other words whole):
 *   diffTexts(before, after, { normalize? }): DiffSpan[] { op: 'equal'|'insert'|'delete', text }
 *     equal+delete spans join to `before`, equal+insert to `after`; ≈0.1 ms for a 200-character
 *     correction, < 1 ms even for two unrelated 200-character texts.
 *   diffTokens(text): string[]
 *
 * Agreement (agreement.ts) — labels are strings, null = missing; undefined coefficients are null:
 *   confusionMatrix(a[], b[], categories?): { categories, counts[][], n, excluded }
 *   cohenKappa(a[], b[], categories?): { kappa, observedAgreement, expectedAgreement, matrix }
 *   cohenKappaFromMatrix(matrix), matrixFromCounts(categories, counts[][])
 *   krippendorffAlpha(units: (label | null)[][]): { alpha, pairableUnits, pairableValues, categories,
 *     coincidences, observedDisagreement, expectedDisagreement }   nominal, any number of coders
 *   agreementPerCategory(units): { category, kappa, alpha, units, agreed }[]   one category versus
 *     the rest (e.g. per dialect tag on the dashboard)
 *
 * Segment pairing (segment-matching.ts) — the units those metrics consume:
 *   matchSegments(a[], b[], { minOverlapRatio = 0.5, ratioOf = 'union' | 'shorter' }):
 *     { pairs: { a, b, overlapMs, ratio }[], unmatchedA, unmatchedB }   one-to-one, longest overlap first
 *   buildAgreementUnits(annotators: { startMs, endMs, label }[][], { …, unmatchedLabel? }):
 *     { startMs, endMs, values, segments }[]   no segment = missing, or `unmatchedLabel` when given
 *
 * API input (metrics.schemas.ts): scoreOptionsSchema (zod, strict) for ScoreOptions.
 */
export * from './agreement.ts';
export * from './align.ts';
export * from './diff.ts';
export * from './normalize.ts';
export * from './score.ts';
export * from './segment-matching.ts';
export * from './tokenize.ts';
export * from './trn.ts';
