import { resolveDialectTags, DEFAULT_LAYER, type DialectTagRef, type InteropDocument } from '../interop/model.ts';
import { NO_SPEAKER } from '../interop/tiers.ts';
import { SPEAKER_CODE_PATTERN } from '../speakers/speakers.schemas.ts';
import type { ImportMappingInput, ImportWarningDto } from './transcript-import.schemas.ts';

/**
 * How a file's speakers, layers and dialect values land in a project: what the user chose in the
 * mapping, defaults for the rest. Pure: the caller loads the project's speakers, layers and tags.
 *
 * Defaults:
 * - a file speaker is the project speaker with the same code (then the same code ignoring case,
 *   then the same name ignoring case); otherwise a new speaker is created with the file's code
 *   (made ASCII when it is not a valid code: `S1`, `S2`… when nothing is left of it);
 * - a file layer is the project layer with the same key (then ignoring case, then by English or
 *   Chinese name); the file's default layer `transcript` goes to the project's first layer when the
 *   project has no `transcript` layer;
 *   other layers without a match are skipped, with a warning;
 * - a dialect value is the tag that resolveDialectTags finds (code, then English or Chinese name,
 *   then an EAF vocabulary entry's values); unmatched values are imported without a tag, with a
 *   warning listing them.
 */

export interface ProjectSpeakerRef {
	id: string;
	code: string;
	name: string;
}

export interface ProjectLayerRef {
	key: string;
	name_en: string;
	name_zh: string;
	sort_order: number;
}

export interface ProjectContext {
	projectId: string;
	speakers: ProjectSpeakerRef[];
	layers: ProjectLayerRef[];
	tags: DialectTagRef[];
}

export type SpeakerTarget =
	| { kind: 'existing'; id: string; code: string; name: string }
	| { kind: 'create'; code: string; name: string }
	| { kind: 'none' };

export interface ResolvedMapping {
	/** File speaker code (NO_SPEAKER for segments without one) → where its segments go. */
	speakers: Map<string, SpeakerTarget>;
	/** File layer key → project layer key, or null to skip its text. */
	layers: Map<string, string | null>;
	/** File dialect value → tag id, or null for no tag. */
	dialects: Map<string, string | null>;
	/** Speakers the import creates, by code (each once, whichever file speakers map to it). */
	creates: { code: string; name: string }[];
	warnings: ImportWarningDto[];
}

/** A mapping that cannot be applied: an unknown speaker, layer or tag, a code that is taken. */
export class MappingError extends Error {
	constructor(readonly problems: string[]) {
		super(problems.join('; '));
		this.name = 'MappingError';
	}
}

/** The placeholder a speaker to be created stands under in plans, until the apply inserts it. */
export const pendingSpeakerKey = (code: string) => `new:${code}`;

export function resolveMapping(docs: InteropDocument[], project: ProjectContext, input: ImportMappingInput = {}): ResolvedMapping {
	const problems: string[] = [];
	const warnings: ImportWarningDto[] = [];

	// Speakers: every file speaker that has segments, plus `(none)` when some segment has no speaker.
	const fileSpeakers = new Map<string, string>();
	for (const doc of docs) {
		for (const s of doc.speakers) if (!fileSpeakers.has(s.code)) fileSpeakers.set(s.code, s.name);
		if (doc.segments.some((s) => s.speaker === null)) fileSpeakers.set(NO_SPEAKER, NO_SPEAKER);
	}
	for (const code of Object.keys(input.speakers ?? {})) {
		if (!fileSpeakers.has(code)) problems.push(`The file has no speaker "${code}" to map`);
	}
	const byId = new Map(project.speakers.map((s) => [s.id, s]));
	const byCode = new Map(project.speakers.map((s) => [s.code, s]));
	const lower = (s: string) => s.normalize('NFC').trim().toLowerCase();
	const takenCodes = new Set(project.speakers.map((s) => lower(s.code)));
	const creates = new Map<string, { code: string; name: string }>();
	const speakers = new Map<string, SpeakerTarget>();
	const deferred: [string, string][] = [];

	for (const [code, name] of fileSpeakers) {
		const chosen = input.speakers?.[code];
		if (chosen === null) {
			speakers.set(code, { kind: 'none' });
		} else if (chosen && 'speakerId' in chosen) {
			const s = byId.get(chosen.speakerId);
			if (!s) problems.push(`Speaker "${code}" is mapped to ${chosen.speakerId}, which is not a speaker of this project`);
			else speakers.set(code, { kind: 'existing', id: s.id, code: s.code, name: s.name });
		} else if (chosen && 'create' in chosen) {
			const newCode = chosen.create.code;
			const existing = byCode.get(newCode) ?? project.speakers.find((s) => lower(s.code) === lower(newCode));
			if (existing) {
				problems.push(`Speaker code "${newCode}" is taken by ${existing.code} (${existing.name}): map "${code}" to it instead`);
				continue;
			}
			const created = creates.get(newCode) ?? { code: newCode, name: chosen.create.name || (name === NO_SPEAKER ? newCode : name) };
			creates.set(newCode, created);
			takenCodes.add(lower(newCode));
			speakers.set(code, { kind: 'create', code: newCode, name: created.name });
		} else if (code === NO_SPEAKER) {
			speakers.set(code, { kind: 'none' });
		} else {
			const match =
				byCode.get(code) ??
				project.speakers.find((s) => lower(s.code) === lower(code)) ??
				project.speakers.find((s) => lower(s.name) === lower(name) || lower(s.name) === lower(code));
			if (match) speakers.set(code, { kind: 'existing', id: match.id, code: match.code, name: match.name });
			else deferred.push([code, name]);
		}
	}
	// New speakers' codes are chosen after every explicit choice has claimed its own.
	let counter = 0;
	for (const [code, name] of deferred) {
		let candidate = asciiCode(code);
		if (!candidate || takenCodes.has(lower(candidate))) {
			const base = candidate;
			candidate = '';
			for (let n = 2; base && n < 100 && !candidate; n++) {
				const next = `${base.slice(0, 28)}-${n}`;
				if (!takenCodes.has(lower(next))) candidate = next;
			}
			while (!candidate || takenCodes.has(lower(candidate))) candidate = `S${++counter}`;
		}
		takenCodes.add(lower(candidate));
		const created = { code: candidate, name: cleanName(name) || candidate };
		creates.set(candidate, created);
		speakers.set(code, { kind: 'create', code: candidate, name: created.name });
	}

	// Layers.
	const projectKeys = new Set(project.layers.map((l) => l.key));
	const fileLayers = [...new Set(docs.flatMap((d) => d.layers))];
	for (const key of Object.keys(input.layers ?? {})) {
		if (!fileLayers.includes(key)) problems.push(`The file has no layer "${key}" to map`);
	}
	const layers = new Map<string, string | null>();
	const targeted = new Map<string, string>();
	for (const key of fileLayers) {
		const chosen = input.layers?.[key];
		if (chosen === undefined) continue;
		if (chosen !== null && !projectKeys.has(chosen)) {
			problems.push(`Layer "${key}" is mapped to "${chosen}", which is not a text layer of this project`);
			continue;
		}
		if (chosen !== null && targeted.has(chosen)) {
			problems.push(`Layers "${targeted.get(chosen)}" and "${key}" are both mapped to "${chosen}": choose one`);
			continue;
		}
		layers.set(key, chosen);
		if (chosen !== null) targeted.set(chosen, key);
	}
	const ordered = [...project.layers].sort((a, b) => a.sort_order - b.sort_order);
	const skipped: string[] = [];
	for (const key of fileLayers) {
		if (layers.has(key) || input.layers?.[key] !== undefined) continue;
		const free = (l: ProjectLayerRef) => !targeted.has(l.key);
		const match =
			ordered.find((l) => l.key === key && free(l)) ??
			ordered.find((l) => lower(l.key) === lower(key) && free(l)) ??
			ordered.find((l) => (lower(l.name_en) === lower(key) || lower(l.name_zh) === lower(key)) && free(l)) ??
			(key === DEFAULT_LAYER && !projectKeys.has(DEFAULT_LAYER) ? ordered.find(free) : undefined);
		layers.set(key, match?.key ?? null);
		if (match) targeted.set(match.key, key);
		else skipped.push(key);
	}
	if (skipped.length > 0) {
		warnings.push({
			code: 'skipped_layer',
			message: `The project has no text layer for ${skipped.map((k) => `"${k}"`).join(', ')}: that text is not imported (map it to a layer to keep it).`,
			blocking: false,
			values: skipped
		});
	}

	// Dialect values.
	const tagIds = new Set(project.tags.map((t) => t.id));
	const dialects = new Map<string, string | null>();
	const unmatched = new Set<string>();
	const fileValues = new Set(docs.flatMap((d) => d.segments.map((s) => s.dialect).filter((v): v is string => v !== null)));
	for (const value of Object.keys(input.dialects ?? {})) {
		if (!fileValues.has(value)) problems.push(`The file has no dialect value "${value}" to map`);
	}
	for (const doc of docs) {
		const { byValue } = resolveDialectTags(doc, project.tags);
		for (const value of new Set(doc.segments.map((s) => s.dialect))) {
			if (value === null || dialects.has(value)) continue;
			const chosen = input.dialects?.[value];
			if (chosen !== undefined) {
				if (chosen !== null && !tagIds.has(chosen)) {
					problems.push(`Dialect value "${value}" is mapped to ${chosen}, which is not a dialect tag of this project`);
					continue;
				}
				dialects.set(value, chosen);
				continue;
			}
			const tag = byValue.get(value);
			dialects.set(value, tag?.id ?? null);
			if (!tag) unmatched.add(value);
		}
	}
	if (unmatched.size > 0) {
		warnings.push({
			code: 'unmatched_dialect',
			message: `No dialect tag of the project matches ${[...unmatched].map((v) => `"${v}"`).join(', ')}: those segments are imported without a tag (map the values to tags to keep them).`,
			blocking: false,
			values: [...unmatched]
		});
	}

	if (problems.length > 0) throw new MappingError(problems);
	return { speakers, layers, dialects, creates: [...creates.values()], warnings };
}

/** The mapping as the API shows it: every file speaker, layer and value with where it goes. */
export function mappingDto(mapping: ResolvedMapping) {
	const speakers: Record<string, { speakerId: string } | { create: { code: string; name: string } } | null> = {};
	for (const [code, target] of mapping.speakers) {
		speakers[code] = target.kind === 'existing' ? { speakerId: target.id } : target.kind === 'create' ? { create: { code: target.code, name: target.name } } : null;
	}
	return {
		speakers,
		layers: Object.fromEntries(mapping.layers),
		dialects: Object.fromEntries(mapping.dialects)
	};
}

/** A speaker code from a file's name for it: ASCII letters, digits, `_ . -`; '' when none is left. */
export function asciiCode(code: string): string {
	if (SPEAKER_CODE_PATTERN.test(code)) return code;
	const ascii = code
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/\s+/g, '_')
		.replace(/[^A-Za-z0-9_.-]/g, '')
		.replace(/^[^A-Za-z0-9]+/, '')
		.slice(0, 32);
	return SPEAKER_CODE_PATTERN.test(ascii) ? ascii : '';
}

function cleanName(name: string): string {
	return name.normalize('NFC').trim().slice(0, 100);
}
