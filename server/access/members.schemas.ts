import { z } from 'zod';
import { PROJECT_ROLES } from '../db/schema.ts';
import { idSchema, isoDateTime } from '../lib/openapi.ts';
import { projectRefSchema } from '../projects/project-ref.ts';
import { emailSchema } from '../users/users.schemas.ts';

export const projectRoleSchema = z
	.enum(PROJECT_ROLES)
	.describe('manager: configures the project and its members; reviewer: reviews; transcriber: transcribes; exporter: reads and exports');

export const memberDtoSchema = z
	.object({
		userId: z.string(),
		email: z.string(),
		name: z.string(),
		role: projectRoleSchema,
		isActive: z.boolean().describe('false: the account is deactivated (the membership stays)'),
		addedAt: isoDateTime
	})
	.meta({ id: 'ProjectMember' });

export const memberListSchema = z.object({ members: z.array(memberDtoSchema) });
export const memberEnvelopeSchema = z.object({ member: memberDtoSchema });

export const membersParamsSchema = z.object({ projectId: projectRefSchema });
export const memberParamsSchema = membersParamsSchema.extend({ userId: idSchema('Member') });

export const addMemberSchema = z.object({ email: emailSchema, role: projectRoleSchema });
export const patchMemberSchema = z.object({ role: projectRoleSchema });

export type MemberDto = z.infer<typeof memberDtoSchema>;
