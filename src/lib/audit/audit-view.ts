/** The filters the audit view keeps in its URL (and passes to the API and the CSV download). */
export const AUDIT_FILTER_KEYS = ['actor', 'action', 'targetType', 'target', 'from', 'to'] as const;
export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];
export type AuditFilters = Partial<Record<AuditFilterKey, string>>;

/** The filters given in `params`, empty ones left out. */
export function filtersFrom(params: URLSearchParams): AuditFilters {
	const out: AuditFilters = {};
	for (const key of AUDIT_FILTER_KEYS) {
		const value = params.get(key)?.trim();
		if (value) out[key] = value;
	}
	return out;
}

/** The action groups (`recording` for `recording.rename` …) in the order the actions come. */
export function actionGroups(actions: readonly string[]): { group: string; actions: string[] }[] {
	const groups = new Map<string, string[]>();
	for (const action of actions) {
		const group = action.split('.')[0]!;
		groups.set(group, [...(groups.get(group) ?? []), action]);
	}
	return [...groups].map(([group, list]) => ({ group, actions: list }));
}

function show(value: unknown): string {
	if (value === null || value === undefined || value === '') return '∅';
	if (typeof value === 'string') return value;
	return JSON.stringify(value);
}

/**
 * An entry's details as short lines for the table: changed fields as `field: from → to`, lists
 * joined, everything else `key: value`. The full JSON is in the CSV.
 *
 * @example
 * describeDetails({ changes: { name: { from: 'a.wav', to: 'b.wav' } } }); // ['name: a.wav → b.wav']
 */
export function describeDetails(details: Record<string, unknown>): string[] {
	const lines: string[] = [];
	for (const [key, value] of Object.entries(details)) {
		if (key === 'changes' && value && typeof value === 'object') {
			for (const [field, change] of Object.entries(value as Record<string, { from: unknown; to: unknown }>)) {
				lines.push(`${field}: ${show(change.from)} → ${show(change.to)}`);
			}
		} else if (Array.isArray(value)) {
			if (value.length > 0) lines.push(`${key}: ${value.map(show).join(', ')}`);
		} else {
			lines.push(`${key}: ${show(value)}`);
		}
	}
	return lines;
}
