import { z } from 'zod';
import { idSchema, userText } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';

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
	homeDialect: optionalText(32).describe("Dialect tag code of the home variety: one of the project's tags"),
	place: optionalText(200),
	/** false retires the speaker: kept on its segments, no longer offered for new ones. */
	isActive: z
		.boolean()
		.optional()
		.describe('false retires the speaker: kept on its segments, no longer offered for new ones (default true)')
};

export const createSpeakerSchema = z.object(speakerFields);
export const patchSpeakerSchema = z.object(speakerFields).partial();

export type CreateSpeakerInput = z.infer<typeof createSpeakerSchema>;
export type PatchSpeakerInput = z.infer<typeof patchSpeakerSchema>;

export const projectSpeakersParamsSchema = z.object({ projectId: projectRefSchema });
export const speakerParamsSchema = z.object({ projectId: projectRefSchema, speakerId: idSchema('Speaker') });

export const speakerDtoSchema = z
	.object({
		id: z.string(),
		code: z.string(),
		name: z.string(),
		gender: z.string().nullable(),
		ageBand: z.string().nullable(),
		homeDialect: z.string().nullable().describe('Dialect tag code of the home variety'),
		place: z.string().nullable(),
		isActive: z.boolean().describe('False once retired: kept on its segments, not offered for new assignments')
	})
	.meta({ id: 'Speaker' });

export type SpeakerDto = z.infer<typeof speakerDtoSchema>;

export const speakerEnvelopeSchema = z.object({ speaker: speakerDtoSchema });
