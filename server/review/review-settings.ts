/**
 * A project's review setup: 1–3 stages with editable names, the error categories reviewers tick,
 * and the QA threshold. Pure (no database), so the settings page and the server share the defaults.
 */

export interface ReviewStage {
	nameEn: string;
	nameZh: string;
}

export interface ErrorCategory {
	/** Stable key stored on reviews (renaming a category keeps the reviews that carry it). */
	key: string;
	nameEn: string;
	nameZh: string;
}

export interface ReviewSettings {
	stages: ReviewStage[];
	categories: ErrorCategory[];
	/** Largest sample CER (0–1) at which a QA batch is accepted. */
	qaThreshold: number;
}

export const MAX_REVIEW_STAGES = 3;

export const DEFAULT_REVIEW_STAGES: ReviewStage[] = [{ nameEn: 'Quality check', nameZh: '质检' }];

/** The default list from issue 8, in the order reviewers meet them. */
export const DEFAULT_ERROR_CATEGORIES: ErrorCategory[] = [
	{ key: 'substitution', nameEn: 'Substitution', nameZh: '替换' },
	{ key: 'omission', nameEn: 'Omission', nameZh: '漏字' },
	{ key: 'insertion', nameEn: 'Insertion', nameZh: '多字' },
	{ key: 'dialect_tag', nameEn: 'Wrong dialect tag', nameZh: '方言标签错误' },
	{ key: 'speaker', nameEn: 'Wrong speaker', nameZh: '说话人错误' },
	{ key: 'boundary', nameEn: 'Boundary', nameZh: '边界' },
	{ key: 'tone', nameEn: 'Tone / romanization', nameZh: '声调/拼音' },
	{ key: 'other', nameEn: 'Other', nameZh: '其他' }
];

export const DEFAULT_QA_THRESHOLD = 0.05;

export function defaultReviewSettings(): ReviewSettings {
	return {
		stages: DEFAULT_REVIEW_STAGES.map((s) => ({ ...s })),
		categories: DEFAULT_ERROR_CATEGORIES.map((c) => ({ ...c })),
		qaThreshold: DEFAULT_QA_THRESHOLD
	};
}
