import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from '../openapi.ts';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface Operation {
	template: string;
	pattern: RegExp;
	params: number;
	responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface ContractChecker {
	/** Throws when `res` is not an answer the document allows for `method pathname`. */
	check(method: string, pathname: string, res: Response): Promise<void>;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks real responses against the OpenAPI document: the status is one the operation lists, the
 * content type is one it names for that status, and a JSON body matches the schema (ajv, draft
 * 2020-12, as OpenAPI 3.1 uses). A 5xx never matches. Paths the document does not know may only
 * answer the API's own 404 (or the 401 of the session gate in front of it).
 */
export function createContractChecker(doc: OpenApiDocument): ContractChecker {
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats(ajv);
	ajv.addFormat('binary', true);
	ajv.addSchema(doc as object, 'openapi');
	const compiled = new Map<string, ValidateFunction>();
	const validatorFor = (ref: string) => {
		let validate = compiled.get(ref);
		if (!validate) compiled.set(ref, (validate = ajv.compile({ $ref: `openapi#/${ref}` })));
		return validate;
	};

	const operations = new Map<string, Operation[]>();
	for (const [template, item] of Object.entries(doc.paths ?? {})) {
		for (const [method, op] of Object.entries(item ?? {})) {
			if (!op || typeof op !== 'object' || !('responses' in op)) continue;
			const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
			const list = operations.get(method.toUpperCase()) ?? [];
			list.push({ template, pattern, params: (template.match(/\{/g) ?? []).length, responses: op.responses as Operation['responses'] });
			operations.set(method.toUpperCase(), list);
		}
	}
	const errorSchema = validatorFor('components/schemas/Error');

	return {
		async check(method, pathname, res) {
			const where = `${method} ${pathname} → ${res.status}`;
			if (res.status >= 500) throw new Error(`${where}: a 5xx is never part of the contract (${await res.clone().text()})`);
			const candidates = (operations.get(method === 'HEAD' ? 'GET' : method) ?? []).filter((o) => o.pattern.test(pathname));
			const op = candidates.sort((a, b) => a.params - b.params)[0];
			const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
			if (!op) {
				const body: unknown = contentType === 'application/json' ? await res.clone().json() : null;
				// Unknown paths: the session gate's 401 comes first, else the catch-all 404.
				if ((res.status === 404 || res.status === 401) && errorSchema(body)) return;
				throw new Error(`${where}: no operation in the document matches`);
			}
			const status = String(res.status);
			const response = op.responses[status] ?? op.responses.default;
			if (!response) {
				throw new Error(`${where}: ${method} ${op.template} does not list ${status} (lists ${Object.keys(op.responses).join(', ')})`);
			}
			if (!response.content || method === 'HEAD') return;
			const media = response.content[contentType];
			if (!media) {
				throw new Error(`${where}: content type "${contentType}" is not one of ${Object.keys(response.content).join(', ')}`);
			}
			if (contentType !== 'application/json' || !media.schema) return;
			const body: unknown = await res.clone().json();
			const ref = pointer('paths', op.template, method === 'HEAD' ? 'get' : method.toLowerCase(), 'responses', op.responses[status] ? status : 'default', 'content', contentType, 'schema');
			const validate = validatorFor(ref);
			if (!validate(body)) {
				const problems = ajv.errorsText(validate.errors, { separator: '\n  ' });
				throw new Error(`${where}: the body does not match the document:\n  ${problems}\nbody: ${JSON.stringify(body).slice(0, 600)}`);
			}
		}
	};
}
