/**
 * Metrics of review work for the API and the review view's summary, all computed by server/metrics:
 * CER/WER of the transcriber's version against the accepted version, and agreement (Cohen's kappa,
 * with the confusion matrix) between the transcriber's and the accepted dialect tags and speakers.
 */
import type { Db } from '../db/connection.ts';
import { cohenKappa, type KappaResult } from '../metrics/agreement.ts';
import { describeNormalization } from '../metrics/normalize.ts';
import { sumCounts, type ScoreOptions } from '../metrics/score.ts';
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
