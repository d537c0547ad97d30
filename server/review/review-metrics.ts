/**
 * Metrics of review work for the API and the review view's summary, all computed by server/metrics:
 * CER/WER of the transcriber's version against the accepted version, agreement (Cohen's kappa,
 * with the confusion matrix) between the transcriber's and the accepted dialect tags and speakers,
 * and agreement between double transcriptions (variants) of the same audio.
 */
import type { Db } from '../db/connection.ts';
import { cohenKappa, confusionMatrix, krippendorffAlpha, type KappaResult } from '../metrics/agreement.ts';
import { describeNormalization } from '../metrics/normalize.ts';
import { scoreDoubleTranscriptions, sumCounts, type ScoreOptions } from '../metrics/score.ts';
import { buildAgreementUnits } from '../metrics/segment-matching.ts';
import { listTextLayers } from '../projects/projects.repository.ts';
import type { SegmentReviewEntryDto } from './review.schemas.ts';
import type { RecordingMetricsDto } from './review.schemas.ts';
import { transcriberScore } from './accepted-version.ts';

/** The layer scored by default: the project's first text layer. */
export async function primaryLayerKey(db: Db, projectId: string): Promise<string> {
	return (await listTextLayers(db, projectId))[0]?.key ?? 'transcript';
}

function kappaDto(result: KappaResult) {
	return {
		kappa: result.kappa,
		observedAgreement: result.observedAgreement,
		expectedAgreement: result.expectedAgreement,
		matrix: result.matrix
	};
}

/**
 * The metrics of reviewed segments (unreviewed ones are left out: they have no accepted version
 * yet). Tags and speakers are compared by code, so the matrix reads `yue-gz` rather than an id.
 */
export function reviewMetrics(
	entries: readonly SegmentReviewEntryDto[],
	options: { layerKey: string; score: ScoreOptions; tagCodes: Map<string, string>; speakerCodes: Map<string, string> }
): Omit<RecordingMetricsDto, 'variants'> {
	const reviewed = entries.filter((e) => e.accepted.state !== 'unreviewed');
	const items = reviewed.map((e) => ({
		segmentId: e.segment.id,
		state: e.accepted.state,
		counts: transcriberScore(e.segment, e.accepted.fields, { layerKey: options.layerKey, score: options.score })
	}));
	const code = (map: Map<string, string>, id: string | null) => (id === null ? null : (map.get(id) ?? id));
	return {
		layer: options.layerKey,
		unit: options.score.unit ?? 'char',
		normalization: describeNormalization(options.score),
		transcriberVsAccepted: { total: sumCounts(items.map((i) => i.counts)), reviewedSegments: reviewed.length, items },
		agreement: {
			dialectTags: kappaDto(
				cohenKappa(
					reviewed.map((e) => code(options.tagCodes, e.segment.dialectTagId)),
					reviewed.map((e) => code(options.tagCodes, e.accepted.fields.dialectTagId))
				)
			),
			speakers: kappaDto(
				cohenKappa(
					reviewed.map((e) => code(options.speakerCodes, e.segment.speakerId)),
					reviewed.map((e) => code(options.speakerCodes, e.accepted.fields.speakerId))
				)
			)
		}
	};
}

/** Tag and speaker codes of a project by id. */
export async function projectCodes(db: Db, projectId: string) {
	const [tags, speakers] = await Promise.all([
		db.selectFrom('dialect_tag').select(['id', 'code']).where('project_id', '=', projectId).execute(),
		db.selectFrom('speaker').select(['id', 'code']).where('project_id', '=', projectId).execute()
	]);
	return { tagCodes: new Map(tags.map((t) => [t.id, t.code])), speakerCodes: new Map(speakers.map((s) => [s.id, s.code])) };
}

/** One annotator's (variant's) segment as the variant metrics read it. */
export interface VariantSegment {
	startMs: number;
	endMs: number;
	speakerId: string | null;
	dialectTagId: string | null;
	texts: Record<string, string>;
}

function alphaDto(result: ReturnType<typeof krippendorffAlpha>) {
	return {
		alpha: result.alpha,
		pairableUnits: result.pairableUnits,
		pairableValues: result.pairableValues,
		categories: result.categories,
		observedDisagreement: result.observedDisagreement,
		expectedDisagreement: result.expectedDisagreement
	};
}

/**
 * Agreement between double transcriptions of one recording (variant k = the k-th transcriber's
 * version): segments are paired by time overlap (buildAgreementUnits), then Krippendorff's alpha
 * on dialect tags and speakers over all variants, the confusion matrix of tags between variants 0
 * and 1, and the symmetric CER of their texts on the time-matched pairs. null with fewer than two.
 */
export function variantMetrics(
	variants: readonly (readonly VariantSegment[])[],
	options: { layerKey: string; score: ScoreOptions; tagCodes: Map<string, string>; speakerCodes: Map<string, string> }
): RecordingMetricsDto['variants'] {
	if (variants.length < 2) return null;
	const code = (map: Map<string, string>, id: string | null) => (id === null ? null : (map.get(id) ?? id));
	const unitsBy = (label: (s: VariantSegment) => string | null) =>
		buildAgreementUnits(variants.map((segments) => segments.map((s) => ({ startMs: s.startMs, endMs: s.endMs, label: label(s) }))));
	const tagUnits = unitsBy((s) => code(options.tagCodes, s.dialectTagId));
	const speakerUnits = unitsBy((s) => code(options.speakerCodes, s.speakerId));
	const bothFirstTwo = tagUnits.filter((u) => u.segments[0] !== null && u.segments[1] !== null);
	const text = scoreDoubleTranscriptions(
		bothFirstTwo.map((u) => ({
			a: variants[0][u.segments[0]!].texts[options.layerKey] ?? '',
			b: variants[1][u.segments[1]!].texts[options.layerKey] ?? ''
		})),
		options.score
	);
	return {
		count: variants.length,
		text: bothFirstTwo.length > 0 ? text : null,
		dialectTags: alphaDto(krippendorffAlpha(tagUnits.map((u) => u.values))),
		speakers: alphaDto(krippendorffAlpha(speakerUnits.map((u) => u.values))),
		dialectTagMatrix: bothFirstTwo.length > 0 ? confusionMatrix(bothFirstTwo.map((u) => u.values[0]), bothFirstTwo.map((u) => u.values[1])) : null
	};
}
