import type { User } from '../db/schema.ts';
import type { UserDto } from './users.schemas.ts';

export type { UserDto };

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
