import { z } from 'zod';
import { jsonDepth } from '../lib/input-guard.ts';
import { emailSchema, passwordSchema, roleSchema, userDtoSchema } from '../users/users.schemas.ts';

export { emailSchema, passwordSchema, roleSchema };

/** Settings stay small and shallow: they travel with every sign-in and session check. */
export const MAX_SETTINGS_BYTES = 16 * 1024;
export const MAX_SETTINGS_DEPTH = 8;


export const setupSchema = z.object({
	email: emailSchema,
	name: z.string().trim().min(1).max(100),
	password: passwordSchema
});

export const loginSchema = z.object({
	email: z.string().trim().max(254),
	password: z.string().max(200)
});

export const settingsSchema = z.object({
	settings: z
		.record(z.string().max(64), z.unknown())
		.describe(`Replaces all settings; at most ${MAX_SETTINGS_BYTES} bytes as JSON and ${MAX_SETTINGS_DEPTH} levels deep`)
		.superRefine((settings, ctx) => {
			if (jsonDepth(settings) > MAX_SETTINGS_DEPTH) {
				ctx.addIssue({ code: 'custom', message: `Settings may nest at most ${MAX_SETTINGS_DEPTH} levels` });
			} else if (Buffer.byteLength(JSON.stringify(settings)) > MAX_SETTINGS_BYTES) {
				ctx.addIssue({ code: 'custom', message: `Settings may take at most ${MAX_SETTINGS_BYTES} bytes as JSON` });
			}
		})
});

export const userEnvelopeSchema = z.object({ user: userDtoSchema });
export const needsSetupSchema = z.object({ needsSetup: z.boolean() });
