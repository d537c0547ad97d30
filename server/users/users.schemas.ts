import { z } from 'zod';
import { PROJECT_ROLES, ROLES } from '../db/schema.ts';
import { idSchema, isoDateTime } from '../lib/openapi.ts';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254));
export const passwordSchema = z
	.string()
	.min(10, 'Use at least 10 characters')
	.max(200, 'Use at most 200 characters');

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

/** The admin's view of an account: the user, and whether an invitation is still open. */
export const accountDtoSchema = userDtoSchema
	.omit({ settings: true })
	.extend({
		invitePending: z.boolean().describe('Invited and has not chosen a password yet'),
		projectCount: z.number().int().min(0).describe('Projects the user is a member of'),
		lastSignInAt: isoDateTime.nullable().describe('The last sign-in (by password, setup or an account link); null if never'),
		projects: z
			.array(z.object({ projectId: z.string(), slug: z.string(), name: z.string(), role: z.enum(PROJECT_ROLES) }))
			.describe('The projects the user is a member of, with the role in each, by project name')
	})
	.meta({ id: 'Account' });

export const accountLinkDtoSchema = z
	.object({
		purpose: z.enum(['invite', 'reset']),
		token: z.string().describe('Goes into the link `/account/<token>`; shown once, stored only hashed'),
		expiresAt: isoDateTime
	})
	.meta({ id: 'AccountLink' });

export const accountListSchema = z.object({ users: z.array(accountDtoSchema) });
export const accountEnvelopeSchema = z.object({ user: accountDtoSchema });
export const createdAccountSchema = z.object({ user: accountDtoSchema, link: accountLinkDtoSchema.nullable() });
export const accountLinkEnvelopeSchema = z.object({ link: accountLinkDtoSchema });

const nameSchema = z.string().trim().min(1).max(100).transform((s) => s.normalize('NFC'));

export const userParamsSchema = z.object({ userId: idSchema('User') });

export const createAccountSchema = z.object({
	email: emailSchema,
	name: nameSchema,
	role: roleSchema.default('member'),
	password: passwordSchema
		.optional()
		.describe('Without one, the answer carries an invitation link instead')
});

export const patchAccountSchema = z
	.object({
		name: nameSchema.optional(),
		role: roleSchema.optional(),
		isActive: z.boolean().optional().describe('false signs the user out everywhere at once'),
		password: passwordSchema
			.optional()
			.describe("A new password the admin passes on; ends the user's sessions")
	})
	.refine((p) => Object.values(p).some((v) => v !== undefined), 'Give at least one field to change');

export const accountLinkTokenSchema = z.object({ token: z.string().min(20).max(100) });
export const acceptAccountLinkSchema = accountLinkTokenSchema.extend({
	password: passwordSchema,
	name: nameSchema.optional().describe('For an invitation: the name to show (default: what the admin typed)')
});
export const accountLinkInfoSchema = z.object({
	link: z.object({ purpose: z.enum(['invite', 'reset']), email: z.string(), name: z.string(), expiresAt: isoDateTime })
});

export type AccountDto = z.infer<typeof accountDtoSchema>;
