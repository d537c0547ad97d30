import { z } from 'zod';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** A project in a path: its id or its slug (both fit the slug pattern); anything else cannot exist. */
export const projectRefSchema = z.string().regex(SLUG_PATTERN, 'Project not found').describe('Project id or slug');
