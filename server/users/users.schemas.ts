import { z } from 'zod';
import { ROLES } from '../db/schema.ts';
import { isoDateTime } from '../lib/openapi.ts';

export const roleSchema = z.enum(ROLES).describe('Instance-wide: `admin` runs the instance; a `member` works in the projects they belong to');

export const userDtoSchema = z
	.object({
		id: z.string(),
		email: z.string().describe('Lower case; the sign-in name'),
		name: z.string(),
		role: roleSchema,
		isActive: z.boolean(),
		settings: z.record(z.string(), z.unknown()).describe('Per-user preferences (language, key bindings)'),
		createdAt: isoDateTime
	})
	.meta({ id: 'User' });

export type UserDto = z.infer<typeof userDtoSchema>;
