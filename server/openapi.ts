/** The OpenAPI 3.1 description of /api, served at /api/openapi.json. A test checks it covers every route. */
export const openApiDocument = {
	openapi: '3.1.0',
	info: { title: 'Fangyan API', version: '0.1.0' },
	paths: {} as Record<string, Record<string, unknown>>
};
