import { z } from 'zod';
import { ROLES } from '../db/schema.ts';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254));
export const passwordSchema = z
	.string()
	.min(10, 'Use at least 10 characters')
	.max(200, 'Use at most 200 characters');

export const setupSchema = z.object({
	email: emailSchema,
	name: z.string().trim().min(1).max(100),
	password: passwordSchema
});

export const loginSchema = z.object({
	email: z.string().trim().max(254),
	password: z.string().max(200)
});

export const settingsSchema = z.object({ settings: z.record(z.string(), z.unknown()) });

export const roleSchema = z.enum(ROLES as [string, ...string[]]);
