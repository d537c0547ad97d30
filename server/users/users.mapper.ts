import type { User } from '../db/schema.ts';

export interface UserDto {
	id: string;
	email: string;
	name: string;
	role: User['role'];
	isActive: boolean;
	settings: Record<string, unknown>;
	createdAt: string;
}

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
