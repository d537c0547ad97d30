import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD, MIN_PASSWORD, passwordProblem } from './password-rules.ts';

const t = (id: string, o?: { values?: Record<string, string | number> }) => `${id}${o?.values ? JSON.stringify(o.values) : ''}`;

describe(passwordProblem.name, () => {
	it('takes what the server takes: 10 to 200 characters', () => {
		expect(passwordProblem('x'.repeat(MIN_PASSWORD), t)).toBe('');
		expect(passwordProblem('x'.repeat(MAX_PASSWORD), t)).toBe('');
		expect(passwordProblem('茶'.repeat(MIN_PASSWORD), t)).toBe('');
	});

	it('says what is wrong, in the words of the message files', () => {
		expect(passwordProblem('x'.repeat(MIN_PASSWORD - 1), t)).toBe('setup.passwordShort{"min":10}');
		expect(passwordProblem('', t)).toBe('setup.passwordShort{"min":10}');
		expect(passwordProblem('x'.repeat(MAX_PASSWORD + 1), t)).toBe('setup.passwordLong{"max":200}');
	});
});
