import type { User } from '../db/schema.ts';
import { DUMMY_HASH } from '../auth/password.ts';
import type { AccountRow } from './users.repository.ts';
import type { AccountDto, UserDto } from './users.schemas.ts';

export type { AccountDto, UserDto };

export function toUserDto(row: Omit<User, 'password_hash'>): UserDto {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		role: row.role,
		isActive: row.is_active === 1,
		settings: JSON.parse(row.settings || '{}'),
		createdAt: row.created_at
	};
}

export function toAccountDto(row: AccountRow): AccountDto {
	const { settings: _settings, ...user } = toUserDto(row);
	void _settings;
	return {
		...user,
		invitePending: row.password_hash === DUMMY_HASH,
		projectCount: Number(row.project_count ?? 0),
		lastSignInAt: row.last_sign_in_at ?? null,
		projects: row.memberships
	};
}
