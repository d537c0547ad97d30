/**
 * The OpenAPI 3.1 description of /api, served at /api/openapi.json. openapi.test.ts checks that
 * every route the app registers is described here, so a new route without a description fails CI.
 *
 * Written by hand against the DTO interfaces (`*.mapper.ts`) and zod schemas (`*.schemas.ts`);
 * keep them in step when either changes.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
	type: 'object',
	properties,
	required,
	...extra
});
const int = (description?: string, extra: Schema = {}): Schema => ({ type: 'integer', ...(description ? { description } : {}), ...extra });
const str = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const ms = (description: string) => int(`${description} (integer milliseconds)`, { minimum: 0 });

const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const conflictWithSegment = (description: string) => json(ref('VersionConflict'), description);
const body = (schema: Schema, required = true) => ({ required, content: { 'application/json': { schema } } });

const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const projectIdParam = pathParam('projectId', 'Project id or slug');
const recordingIdParam = (name = 'id') => pathParam(name, 'Recording id');
const segmentIdParam = pathParam('id', 'Segment id');

/** Responses every signed-in route can give. */
const authErrors = { 401: error('No session: sign in first') };
const roleErrors = { ...authErrors, 403: error("The signed-in user's role may not do this") };
const badRequest = { 400: error('Invalid request: malformed JSON or a field that fails validation (`issues` lists them)') };
const notFound = (what: string) => ({ 404: error(`${what} not found`) });
const PUBLIC: unknown[] = [];

const WRITERS = 'Roles: admin, reviewer, transcriber (exporters read only).';
const MANAGERS = "Needs the right to manage the project's setup (today: admins).";

const schemas: Record<string, Schema> = {
	Error: obj(
		{
			error: obj(
				{
					code: str('Machine-readable reason, e.g. `not_found`, `version_conflict`, `invalid_times`'),
					message: str('Human-readable explanation')
				},
				['code', 'message'],
				{ additionalProperties: true, description: 'Extra details depend on the code (e.g. `codes` for tag_in_use, `issues` for invalid_request)' }
			)
		},
		['error']
	),
	VersionConflict: obj(
		{
			error: obj({ code: { const: 'version_conflict' }, message: str() }),
			segment: ref('Segment')
		},
		['error', 'segment'],
		{ description: 'The edit named an older version than the stored one; `segment` is the current state to merge with' }
	),
	User: obj({
		id: str(),
		email: str(undefined, { format: 'email' }),
		name: str(),
		role: { enum: ['admin', 'reviewer', 'transcriber', 'exporter'] },
		isActive: { type: 'boolean' },
		settings: { type: 'object', additionalProperties: true, description: 'Per-user preferences (shortcuts, language)' },
		createdAt: str(undefined, { format: 'date-time' })
	}),
	ProjectSummary: obj({
		id: str(),
		slug: str(undefined, { pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' }),
		name: str(),
		description: str(),
		recordingCount: int(),
		totalDurationMs: ms('Sum of the recordings’ durations'),
		segmentCount: int(),
		createdAt: str(undefined, { format: 'date-time' }),
		updatedAt: str(undefined, { format: 'date-time' })
	}),
	Project: {
		allOf: [
			ref('ProjectSummary'),
			obj({
				guidelines: str('Transcription guidelines (markdown)'),
				dialectTags: { type: 'array', items: ref('DialectTag'), description: 'Parents before their children' },
				textLayers: { type: 'array', items: ref('TextLayer') },
				speakers: { type: 'array', items: ref('Speaker') }
			})
		]
	},
	DialectTag: obj({
		id: str(),
		parentId: nullable('string'),
		code: str(undefined, { pattern: '^[a-z0-9-]{2,32}$' }),
		nameEn: str(),
		nameZh: str(),
		sortOrder: int('Position among its siblings')
	}),
	TextLayer: obj({
		id: str(),
		key: str('Key used in segment texts', { pattern: '^[a-z][a-z0-9_]{1,31}$' }),
		nameEn: str(),
		nameZh: str(),
		sortOrder: int()
	}),
	Speaker: obj({
		id: str(),
		code: str(undefined, { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$' }),
		name: str(),
		gender: nullable('string'),
		ageBand: nullable('string'),
		homeDialect: nullable('string', { description: 'Dialect tag code of the home variety' }),
		place: nullable('string'),
		isActive: { type: 'boolean', description: 'False once retired: kept on its segments, not offered for new assignments' }
	}),
	ProjectCapabilities: obj({
		manage: { type: 'boolean', description: 'May change the setup: details, guidelines, speakers, taxonomy, layers, recordings' }
	}),
	ProjectUsage: obj({
		dialectTags: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Segments per tag code' },
		textLayers: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Segments with text per layer key' },
		speakers: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Segments per speaker id' }
	}),
	RecordingDeletion: obj({
		segments: int('Segments deleted with the recording'),
		revisions: int('Revisions of its segments deleted with it'),
		originalShared: { type: 'boolean', description: 'The original file stays: another recording holds the same bytes' }
	}),
	TaxonomyNode: obj(
		{
			code: str(undefined, { pattern: '^[a-z0-9-]{2,32}$' }),
			nameEn: str(undefined, { minLength: 1, maxLength: 100 }),
			nameZh: str(undefined, { minLength: 1, maxLength: 100 }),
			children: { type: 'array', items: ref('TaxonomyNode') }
		},
		['code', 'nameEn', 'nameZh']
	),
	SpeakerInput: obj(
		{
			code: str(undefined, { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$' }),
			name: str(undefined, { minLength: 1, maxLength: 100 }),
			gender: nullable('string', { maxLength: 32 }),
			ageBand: nullable('string', { maxLength: 32 }),
			homeDialect: nullable('string', { maxLength: 32, description: 'A tag code of the project’s taxonomy' }),
			place: nullable('string', { maxLength: 200 }),
			isActive: { type: 'boolean', default: true }
		},
		['code', 'name']
	),
	Recording: obj({
		id: str(),
		projectId: str(),
		name: str('The uploaded file’s base name'),
		sha256: str(undefined, { pattern: '^[0-9a-f]{64}$' }),
		sizeBytes: int(),
		formatName: str(),
		codec: str(),
		durationMs: ms('Length'),
		sampleRate: int(),
		channels: int(),
		speakerId: nullable('string'),
		place: nullable('string'),
		metadata: { type: 'object', additionalProperties: true },
		state: { enum: ['queued', 'processing', 'ready', 'failed'] },
		error: nullable('string'),
		segmentCount: int(),
		segmentedMs: ms('Time covered by segments, overlaps counted once'),
		createdAt: str(undefined, { format: 'date-time' }),
		updatedAt: str(undefined, { format: 'date-time' })
	}),
	Texts: {
		type: 'object',
		additionalProperties: { type: 'string', maxLength: 20000 },
		description: 'Text per layer key (NFC). In responses layers without text are absent; in writes an empty string clears a layer.'
	},
	Segment: obj({
		id: str(),
		recordingId: str(),
		startMs: ms('Start'),
		endMs: ms('End, exclusive'),
		speakerId: nullable('string'),
		dialectTagId: nullable('string'),
		texts: ref('Texts'),
		status: str('Workflow state, e.g. `new`, `transcribed`'),
		version: int('Optimistic-concurrency version; every write names the version it edits', { minimum: 1 }),
		createdBy: nullable('string'),
		createdAt: str(undefined, { format: 'date-time' }),
		updatedBy: nullable('string'),
		updatedAt: str(undefined, { format: 'date-time' })
	}),
	Revision: obj({
		id: str(),
		segmentId: str(),
		version: int('The segment’s version after the change (the deleted version for a delete)'),
		action: { enum: ['create', 'update', 'delete', 'restore'] },
		before: { oneOf: [ref('Segment'), { type: 'null' }] },
		after: { oneOf: [ref('Segment'), { type: 'null' }] },
		userId: nullable('string'),
		userName: nullable('string'),
		createdAt: str(undefined, { format: 'date-time' })
	}),
	SegmentCreate: obj(
		{
			id: str('Client-made id for offline creation; replaying it returns the existing segment', { pattern: '^[0-9a-z-]{20,40}$' }),
			startMs: int(),
			endMs: int(),
			speakerId: nullable('string'),
			dialectTagId: nullable('string'),
			texts: ref('Texts'),
			status: str(undefined, { pattern: '^[a-z][a-z0-9_-]{0,31}$' })
		},
		['startMs', 'endMs']
	),
	SegmentPatch: obj(
		{
			version: int('The version this edit is based on', { minimum: 1 }),
			startMs: int(),
			endMs: int(),
			speakerId: nullable('string'),
			dialectTagId: nullable('string'),
			texts: ref('Texts'),
			status: str(undefined, { pattern: '^[a-z][a-z0-9_-]{0,31}$' })
		},
		['version']
	),
	PresegmentOptions: obj(
		{
			thresholdDb: { type: 'number', minimum: -80, maximum: -10, default: -35 },
			minSilenceMs: int(undefined, { minimum: 50, maximum: 10000, default: 300 }),
			minSegmentMs: int(undefined, { minimum: 0, maximum: 10000, default: 300 }),
			padMs: int(undefined, { minimum: 0, maximum: 2000, default: 100 }),
			maxSegmentMs: int(undefined, { minimum: 1000, maximum: 600000, default: 15000 }),
			bandPass: { type: 'boolean', default: true, description: 'Filter to 80 Hz–4 kHz before detection' },
			apply: { type: 'boolean', default: false, description: 'false: preview only; true: insert the proposals that overlap no segment' }
		},
		[]
	)
};

const mediaHeaders = {
	ETag: { schema: { type: 'string' } },
	'Cache-Control': { schema: { type: 'string' } },
	'Accept-Ranges': { schema: { const: 'bytes' } }
};

const PEAKS_FORMAT = `Binary, little-endian. Offsets: 0 char[4] "FYPK"; 4 uint16 version = 1; 6 uint16 levelCount;
8 uint32 sampleRate of the analysed audio; 12 uint32 durationMs; 16 levelCount × {uint32 samplesPerPeak,
uint32 peakCount, uint32 byteOffset}; then per level peakCount pairs of int8 (min, max), −128..127 (full scale 127).
Levels run finest first: about 100 peaks/s, each next one 4× coarser, until fewer than ~2000 peaks.`;

const paths: Record<string, Record<string, unknown>> = {
	'/api/health': {
		get: {
			tags: ['system'],
			summary: 'Liveness, database kind and ffmpeg version',
			security: PUBLIC,
			responses: {
				200: json(obj({ status: { const: 'ok' }, database: { enum: ['sqlite', 'postgres'] }, ffmpeg: str() }))
			}
		}
	},
	'/api/openapi.json': {
		get: {
			tags: ['system'],
			summary: 'This document',
			security: PUBLIC,
			responses: { 200: json({ type: 'object' }) }
		}
	},
	'/api/auth/setup': {
		get: {
			tags: ['auth'],
			summary: 'Whether the first admin account still has to be created',
			security: PUBLIC,
			responses: { 200: json(obj({ needsSetup: { type: 'boolean' } })) }
		},
		post: {
			tags: ['auth'],
			summary: 'Create the first admin account (fresh install only) and sign in',
			security: PUBLIC,
			requestBody: body(
				obj({ email: str(undefined, { format: 'email' }), name: str(undefined, { minLength: 1, maxLength: 100 }), password: str(undefined, { minLength: 10, maxLength: 200 }) })
			),
			responses: {
				201: { ...json(obj({ user: ref('User') }), 'Created; sets the session cookie'), headers: { 'Set-Cookie': { schema: { type: 'string' } } } },
				...badRequest,
				409: error('An admin already exists (`already_set_up`)')
			}
		}
	},
	'/api/auth/login': {
		post: {
			tags: ['auth'],
			summary: 'Sign in; repeated wrong passwords are answered ever more slowly',
			security: PUBLIC,
			requestBody: body(obj({ email: str(), password: str() })),
			responses: {
				200: { ...json(obj({ user: ref('User') }), 'Signed in; sets the HttpOnly session cookie'), headers: { 'Set-Cookie': { schema: { type: 'string' } } } },
				...badRequest,
				401: error('Wrong email or password (`invalid_credentials`)')
			}
		}
	},
	'/api/auth/logout': {
		post: {
			tags: ['auth'],
			summary: 'Sign out (ends the session)',
			responses: { 200: json(obj({ ok: { const: true } })), ...authErrors }
		}
	},
	'/api/auth/me': {
		get: {
			tags: ['auth'],
			summary: 'The signed-in user',
			responses: { 200: json(obj({ user: ref('User') })), ...authErrors }
		}
	},
	'/api/auth/me/settings': {
		put: {
			tags: ['auth'],
			summary: "Replace the signed-in user's settings",
			requestBody: body(obj({ settings: { type: 'object', additionalProperties: true } })),
			responses: { 200: json(obj({ user: ref('User') })), ...badRequest, ...authErrors, ...notFound('User') }
		}
	},
	'/api/projects': {
		get: {
			tags: ['projects'],
			summary: 'All projects with recording, duration and segment totals',
			responses: { 200: json(obj({ projects: { type: 'array', items: ref('ProjectSummary') } })), ...authErrors }
		},
		post: {
			tags: ['projects'],
			summary: 'Create a project (admin) with the default dialect taxonomy and text layers',
			description:
				'The slug is derived from the name when absent (ASCII, lower case, hyphens); a name without ASCII letters gets `project-<end of id>`.',
			requestBody: body(
				obj(
					{
						name: str(undefined, { minLength: 1, maxLength: 200 }),
						slug: str(undefined, { pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' }),
						description: str(undefined, { maxLength: 2000 }),
						guidelines: str('Markdown', { maxLength: 200000 })
					},
					['name']
				)
			),
			responses: {
				201: json(obj({ project: ref('Project') }), 'Created'),
				...badRequest,
				...roleErrors,
				409: error('The slug is taken (`slug_taken`, with `slug`)')
			}
		}
	},
	'/api/projects/{projectId}': {
		parameters: [projectIdParam],
		get: {
			tags: ['projects'],
			summary: 'A project with its taxonomy, text layers and speakers, and what the signed-in user may do in it',
			responses: {
				200: json(obj({ project: ref('Project'), capabilities: ref('ProjectCapabilities') })),
				...authErrors,
				...notFound('Project')
			}
		},
		patch: {
			tags: ['projects'],
			summary: 'Edit name, description or guidelines',
			description: MANAGERS,
			requestBody: body(
				obj(
					{
						name: str(undefined, { minLength: 1, maxLength: 200 }),
						description: str(undefined, { maxLength: 2000 }),
						guidelines: str(undefined, { maxLength: 200000 })
					},
					[]
				)
			),
			responses: { 200: json(obj({ project: ref('Project') })), ...badRequest, ...roleErrors, ...notFound('Project') }
		}
	},
	'/api/projects/{projectId}/usage': {
		parameters: [projectIdParam],
		get: {
			tags: ['projects'],
			summary: 'How many segments use each dialect tag, text layer and speaker (what may be removed)',
			description: MANAGERS,
			responses: { 200: json(obj({ usage: ref('ProjectUsage') })), ...roleErrors, ...notFound('Project') }
		}
	},
	'/api/projects/{projectId}/taxonomy': {
		parameters: [projectIdParam],
		put: {
			tags: ['projects'],
			summary: 'Replace the dialect taxonomy',
			description:
				'Tags are matched by code, so kept tags keep their ids and the segments that carry them. Codes must be unique across the tree. ' +
				MANAGERS,
			requestBody: body(obj({ dialectTags: { type: 'array', items: ref('TaxonomyNode') } })),
			responses: {
				200: json(obj({ project: ref('Project') })),
				...badRequest,
				...roleErrors,
				...notFound('Project'),
				409: error('Segments still carry a removed tag (`tag_in_use`, with `codes`)')
			}
		}
	},
	'/api/projects/{projectId}/layers': {
		parameters: [projectIdParam],
		put: {
			tags: ['projects'],
			summary: 'Replace the text layers, matched by key',
			description: MANAGERS,
			requestBody: body(
				obj({
					textLayers: {
						type: 'array',
						minItems: 1,
						maxItems: 20,
						items: obj({ key: str(undefined, { pattern: '^[a-z][a-z0-9_]{1,31}$' }), nameEn: str(), nameZh: str() })
					}
				})
			),
			responses: {
				200: json(obj({ project: ref('Project') })),
				...badRequest,
				...roleErrors,
				...notFound('Project'),
				409: error('Segments hold text in a removed layer (`layer_in_use`, with `keys`)')
			}
		}
	},
	'/api/projects/{projectId}/speakers': {
		parameters: [projectIdParam],
		post: {
			tags: ['speakers'],
			summary: 'Add a speaker',
			description: MANAGERS,
			requestBody: body(ref('SpeakerInput')),
			responses: {
				201: json(obj({ speaker: ref('Speaker') }), 'Created'),
				...badRequest,
				...roleErrors,
				...notFound('Project'),
				409: error('The project already has a speaker with this code (`speaker_code_taken`)'),
				422: error('`homeDialect` is not a tag code of the project (`unknown_dialect`)')
			}
		}
	},
	'/api/projects/{projectId}/speakers/{speakerId}': {
		parameters: [projectIdParam, pathParam('speakerId', 'Speaker id')],
		patch: {
			tags: ['speakers'],
			summary: 'Edit or (de)activate a speaker; an empty string clears an optional field',
			description: MANAGERS,
			requestBody: body({ ...ref('SpeakerInput'), description: 'Any subset of the fields' }),
			responses: {
				200: json(obj({ speaker: ref('Speaker') })),
				...badRequest,
				...roleErrors,
				...notFound('Project or speaker'),
				409: error('Another speaker has this code (`speaker_code_taken`)'),
				422: error('`homeDialect` is not a tag code of the project (`unknown_dialect`)')
			}
		}
	},
	'/api/projects/{projectId}/recordings': {
		parameters: [projectIdParam],
		get: {
			tags: ['recordings'],
			summary: "A project's recordings",
			responses: { 200: json(obj({ recordings: { type: 'array', items: ref('Recording') } })), ...authErrors, ...notFound('Project') }
		},
		post: {
			tags: ['recordings'],
			summary: 'Upload one audio file (admin); it is streamed to disk, probed and queued for ingest',
			requestBody: {
				required: true,
				content: {
					'multipart/form-data': {
						schema: obj(
							{
								file: str('The audio file (exactly one part named file)', { format: 'binary' }),
								speakerId: str(),
								place: str(undefined, { maxLength: 200 })
							},
							['file']
						)
					}
				}
			},
			responses: {
				202: json(obj({ recording: ref('Recording') }), 'Accepted; ingest (peaks and playback rendition) runs in the background'),
				400: error('Invalid request, or a file name with path separators, `..` or control characters (`invalid_file_name`)'),
				...roleErrors,
				...notFound('Project'),
				409: error('The same file is already in this project (`duplicate`, with `recordingId`)'),
				413: error('Larger than the configured upload limit (`too_large`)'),
				415: error('Not audio (`not_audio`) or no audio stream (`no_audio_stream`)'),
				422: error('Empty (`empty_file`) or truncated (`truncated`) file')
			}
		}
	},
	'/api/recordings/{id}': {
		parameters: [recordingIdParam()],
		get: {
			tags: ['recordings'],
			summary: 'One recording',
			responses: { 200: json(obj({ recording: ref('Recording') })), ...authErrors, ...notFound('Recording') }
		},
		patch: {
			tags: ['recordings'],
			summary: 'Rename a recording',
			description: MANAGERS,
			requestBody: body(obj({ name: str('Trimmed, NFC; no control characters', { minLength: 1, maxLength: 255 }) })),
			responses: { 200: json(obj({ recording: ref('Recording') })), ...badRequest, ...roleErrors, ...notFound('Recording') }
		},
		delete: {
			tags: ['recordings'],
			summary:
				'Delete a recording with its segments, their revisions, its jobs and media files; the original only when no other recording uses it',
			description: MANAGERS,
			responses: { 200: json(obj({ ok: { const: true } })), ...roleErrors, ...notFound('Recording') }
		}
	},
	'/api/recordings/{id}/deletion': {
		parameters: [recordingIdParam()],
		get: {
			tags: ['recordings'],
			summary: 'What deleting the recording would take with it (for the confirmation)',
			description: MANAGERS,
			responses: { 200: json(obj({ deletion: ref('RecordingDeletion') })), ...roleErrors, ...notFound('Recording') }
		}
	},
	'/api/recordings/{id}/peaks': {
		parameters: [recordingIdParam()],
		get: {
			tags: ['media'],
			summary: 'Multi-resolution waveform peaks (FYPK binary)',
			description: PEAKS_FORMAT,
			parameters: [{ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
			responses: {
				200: {
					description: 'The peaks file',
					headers: mediaHeaders,
					content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
				},
				304: { description: 'Not modified (the ETag matched)' },
				...authErrors,
				...notFound('Recording'),
				409: error('Still processing, or failed (`not_ready`, with `state`)')
			}
		}
	},
	'/api/recordings/{id}/audio': {
		parameters: [recordingIdParam()],
		get: {
			tags: ['media'],
			summary: 'The playback rendition (Ogg Opus), with HTTP Range',
			parameters: [{ name: 'Range', in: 'header', required: false, schema: { type: 'string', examples: ['bytes=0-1023'] } }],
			responses: {
				200: { description: 'The whole file', headers: mediaHeaders, content: { 'audio/ogg': { schema: { type: 'string', format: 'binary' } } } },
				206: {
					description: 'The requested byte range',
					headers: { ...mediaHeaders, 'Content-Range': { schema: { type: 'string', examples: ['bytes 0-1023/52311'] } } },
					content: { 'audio/ogg': { schema: { type: 'string', format: 'binary' } } }
				},
				304: { description: 'Not modified' },
				...authErrors,
				...notFound('Recording'),
				409: error('Still processing, or failed (`not_ready`)'),
				416: {
					...error('The range lies outside the file (`range_not_satisfiable`)'),
					headers: { 'Content-Range': { schema: { type: 'string', examples: ['bytes */52311'] } } }
				}
			}
		}
	},
	'/api/recordings/{id}/clip': {
		parameters: [recordingIdParam()],
		get: {
			tags: ['media'],
			summary: 'The span [start, end) cut by ffmpeg (input-side seek) and cached on disk',
			parameters: [
				{ name: 'start', in: 'query', required: true, schema: { type: 'integer', minimum: 0 }, description: 'Milliseconds' },
				{ name: 'end', in: 'query', required: true, schema: { type: 'integer', minimum: 1 }, description: 'Milliseconds, exclusive' },
				{ name: 'format', in: 'query', required: false, schema: { enum: ['wav', 'flac', 'opus'], default: 'wav' } }
			],
			responses: {
				200: {
					description: 'The clip',
					headers: mediaHeaders,
					content: {
						'audio/wav': { schema: { type: 'string', format: 'binary' } },
						'audio/flac': { schema: { type: 'string', format: 'binary' } },
						'audio/ogg': { schema: { type: 'string', format: 'binary' } }
					}
				},
				206: { description: 'A byte range of the clip' },
				...badRequest,
				...authErrors,
				...notFound('Recording'),
				409: error('Still processing, or failed (`not_ready`)'),
				416: error('The range lies outside the clip'),
				422: error('end ≤ start or beyond the recording (`invalid_times`), too long (`clip_too_long`), or ffmpeg failed (`clip_failed`)')
			}
		}
	},
	'/api/recordings/{recordingId}/spectrogram': {
		parameters: [recordingIdParam('recordingId')],
		get: {
			tags: ['media'],
			summary: 'A PNG spectrogram of [start, end) (0–8 kHz, log intensity), rendered by ffmpeg and cached',
			description:
				'Grayscale, dark = loud: linear 0–8 kHz bottom to top, 8 ms Hann window (wideband, formants as bands), 70 dB range, time left to right mapped linearly onto `width`. The ETag names the recording and the request, so a revalidation is answered without rendering.',
			parameters: [
				{ name: 'start', in: 'query', required: true, schema: { type: 'integer', minimum: 0 }, description: 'Milliseconds' },
				{ name: 'end', in: 'query', required: true, schema: { type: 'integer', minimum: 1 }, description: 'Milliseconds, exclusive; at most 120 000 ms after start' },
				{ name: 'width', in: 'query', required: false, schema: { type: 'integer', minimum: 16, maximum: 4096, default: 1200 } },
				{ name: 'height', in: 'query', required: false, schema: { type: 'integer', minimum: 16, maximum: 512, default: 256 } }
			],
			responses: {
				200: { description: 'The image', headers: mediaHeaders, content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
				304: { description: 'Not modified' },
				...badRequest,
				...authErrors,
				...notFound('Recording'),
				409: error('Still processing, or failed (`not_ready`)'),
				422: error('end ≤ start or beyond the recording (`invalid_times`), window too long (`window_too_long`), or ffmpeg failed (`spectrogram_failed`)')
			}
		}
	},
	'/api/recordings/{recordingId}/segments': {
		parameters: [recordingIdParam('recordingId')],
		get: {
			tags: ['segments'],
			summary: "A recording's segments, by start time then id",
			responses: { 200: json(obj({ segments: { type: 'array', items: ref('Segment') } })), ...authErrors, ...notFound('Recording') }
		},
		post: {
			tags: ['segments'],
			summary: 'Create a segment (with a create revision)',
			description: `${WRITERS} Segments are allowed as soon as the recording's duration is known (also while it is queued).`,
			requestBody: body(ref('SegmentCreate')),
			responses: {
				201: json(obj({ segment: ref('Segment') }), 'Created'),
				200: json(obj({ segment: ref('Segment') }), 'A replay of a client-made id that exists on this recording: the existing segment'),
				...badRequest,
				...roleErrors,
				...notFound('Recording'),
				409: error(
					'The id belongs to another recording (`id_taken`), was deleted (`segment_deleted`: restore it instead), or the duration is not known yet (`not_ready`)'
				),
				422: error('0 ≤ start < end ≤ duration fails (`invalid_times`), or `unknown_layer` (with `keys`), `unknown_speaker`, `unknown_tag`')
			}
		}
	},
	'/api/recordings/{recordingId}/presegment': {
		parameters: [recordingIdParam('recordingId')],
		post: {
			tags: ['segments'],
			summary: 'Propose segments from voice activity (silencedetect-style), or insert them',
			description: `${WRITERS} With apply=false only proposals are returned; with apply=true those overlapping no existing segment are inserted.`,
			requestBody: body(ref('PresegmentOptions')),
			responses: {
				200: json(obj({ proposals: { type: 'array', items: obj({ startMs: int(), endMs: int() }) } }), 'Preview (apply=false)'),
				201: json(
					obj({ segments: { type: 'array', items: ref('Segment') }, skipped: int('Proposals left out because they overlap segments') }),
					'Inserted (apply=true)'
				),
				...badRequest,
				...roleErrors,
				...notFound('Recording'),
				409: error('The recording is not ready (`not_ready`)'),
				422: error('The audio could not be analysed')
			}
		}
	},
	'/api/segments/{id}': {
		parameters: [segmentIdParam],
		patch: {
			tags: ['segments'],
			summary: 'Edit the version you have; the answer carries version + 1',
			description: `${WRITERS} Only the fields given change; \`texts\` is merged per layer. Writes the segment and an update revision in one transaction.`,
			requestBody: body(ref('SegmentPatch')),
			responses: {
				200: json(obj({ segment: ref('Segment') })),
				...badRequest,
				...roleErrors,
				...notFound('Segment'),
				409: conflictWithSegment('Stale version (`version_conflict`): `segment` is the current state'),
				422: error('`invalid_times`, `unknown_layer`, `unknown_speaker` or `unknown_tag`')
			}
		},
		delete: {
			tags: ['segments'],
			summary: 'Delete the version you have (kept in the history)',
			description: WRITERS,
			parameters: [{ name: 'version', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } }],
			responses: {
				200: json(obj({ ok: { const: true } })),
				...badRequest,
				...roleErrors,
				...notFound('Segment'),
				409: conflictWithSegment('Stale version (`version_conflict`)')
			}
		}
	},
	'/api/segments/{id}/revisions': {
		parameters: [segmentIdParam],
		get: {
			tags: ['segments'],
			summary: "A segment's history, newest first (also for deleted segments)",
			responses: { 200: json(obj({ revisions: { type: 'array', items: ref('Revision') } })), ...authErrors, ...notFound('Segment') }
		}
	},
	'/api/segments/{id}/restore': {
		parameters: [segmentIdParam],
		post: {
			tags: ['segments'],
			summary: "Restore a revision's state (its `after`, or `before` for a delete), recreating a deleted segment",
			description: `${WRITERS} Recorded as a restore revision. When \`version\` is given and the segment has moved on, 409.`,
			requestBody: body(obj({ revisionId: str(), version: int(undefined, { minimum: 1 }) }, ['revisionId'])),
			responses: {
				200: json(obj({ segment: ref('Segment') })),
				...badRequest,
				...roleErrors,
				...notFound('Segment, revision or recording'),
				409: conflictWithSegment('Stale version (`version_conflict`)'),
				422: error('The revision refers to a speaker, tag or layer that no longer exists')
			}
		}
	}
};

export const openApiDocument = {
	openapi: '3.1.0',
	info: {
		title: 'Fangyan API',
		version: '0.1.0',
		description:
			'Transcribe, tag and review regional-dialect speech. Times are integer milliseconds; text is NFC. ' +
			'Errors are `{ error: { code, message, … } }`. Every route except health, this document, setup and login needs the session cookie set by login.'
	},
	servers: [{ url: '/' }],
	security: [{ session: [] }],
	tags: [
		{ name: 'system' },
		{ name: 'auth' },
		{ name: 'projects' },
		{ name: 'speakers' },
		{ name: 'recordings' },
		{ name: 'media' },
		{ name: 'segments' }
	],
	paths,
	components: {
		securitySchemes: {
			session: { type: 'apiKey', in: 'cookie', name: 'fangyan_session', description: 'HttpOnly session cookie set by login or setup' }
		},
		schemas
	}
};
