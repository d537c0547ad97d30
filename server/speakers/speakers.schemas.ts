import { z } from 'zod';
import { userText } from '../projects/projects.schemas.ts';

/** Speaker codes end up in corpus exports (Kaldi utt2spk, file names), so they stay plain ASCII. */
export const SPEAKER_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

const optionalText = (max: number) =>
	userText(max)
		.transform((s) => (s === '' ? null : s))
		.nullable()
		.optional();

const speakerFields = {
	code: z.string().regex(SPEAKER_CODE_PATTERN, 'Codes are 1–32 ASCII letters, digits, _ . or -'),
	name: userText(100).pipe(z.string().min(1, 'Give the speaker a name')),
	gender: optionalText(32),
	ageBand: optionalText(32),
	homeDialect: optionalText(32),
	place: optionalText(200),
	/** false retires the speaker: kept on its segments, no longer offered for new ones. */
	isActive: z.boolean().optional()
};

export const createSpeakerSchema = z.object(speakerFields);
export const patchSpeakerSchema = z.object(speakerFields).partial();

export type CreateSpeakerInput = z.infer<typeof createSpeakerSchema>;
export type PatchSpeakerInput = z.infer<typeof patchSpeakerSchema>;
