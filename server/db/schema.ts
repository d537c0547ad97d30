import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database as the code sees it, kept in step with migrations/.
 *
 * Portable on purpose (SQLite and PostgreSQL run the same queries):
 * - ids are app-generated sortable text (server/lib/ids.ts);
 * - times of day are ISO-8601 text written by the app, never DB defaults;
 * - booleans are 0 | 1 integers;
 * - structured values (segment texts, revision snapshots, job payloads) are JSON text;
 * - audio times are integer milliseconds everywhere (start_ms, end_ms, duration_ms).
 */
export interface Database {
	user: UserTable;
	session: SessionTable;
	project: ProjectTable;
	dialect_tag: DialectTagTable;
	text_layer: TextLayerTable;
	speaker: SpeakerTable;
	recording: RecordingTable;
	segment: SegmentTable;
	segment_revision: SegmentRevisionTable;
	recording_event: RecordingEventTable;
	job: JobTable;
	export_job: ExportJobTable;
	instance_setup: InstanceSetupTable;
	login_throttle: LoginThrottleTable;
	review_settings: ReviewSettingsTable;
	segment_review: SegmentReviewTable;
	qa_batch: QaBatchTable;
	qa_batch_item: QaBatchItemTable;
	audit_log: AuditLogTable;
	task: TaskTable;
	task_event: TaskEventTable;
	dashboard_daily: DashboardDailyTable;
	dashboard_category_daily: DashboardCategoryDailyTable;
	activity_bucket: ActivityBucketTable;
	project_member: ProjectMemberTable;
	account_link: AccountLinkTable;
}

/** The instance-wide role: an admin runs the instance (users, every project); a member works in the projects they belong to. */
export type Role = 'admin' | 'member';
export const ROLES = ['admin', 'member'] as const satisfies readonly Role[];

/** What a member does in one project (server/access/ turns it into capabilities). */
export type ProjectRole = 'manager' | 'reviewer' | 'transcriber' | 'exporter';
export const PROJECT_ROLES = ['manager', 'reviewer', 'transcriber', 'exporter'] as const satisfies readonly ProjectRole[];

export interface UserTable {
	id: string;
	email: string;
	name: string;
	password_hash: string;
	role: Role;
	is_active: 0 | 1;
	/** Per-user preferences (keyboard shortcuts, language) as JSON text. */
	settings: string;
	created_at: string;
	updated_at: string;
}

export interface SessionTable {
	/** sha256 of the cookie token: a leaked database does not leak live sessions. */
	id: string;
	user_id: string;
	created_at: string;
	expires_at: string;
}

export type AccountLinkPurpose = 'invite' | 'reset';

/** A one-time invitation or password-reset link; see its migration. */
export interface AccountLinkTable {
	/** sha256 of the link's token. */
	id: string;
	user_id: string;
	purpose: AccountLinkPurpose;
	created_by: string | null;
	created_at: string;
	expires_at: string;
	/** Set when the link was used or superseded; a link is good once. */
	used_at: string | null;
}

/** At most one row (id 1): present once first-run setup is done; its key decides a race. */
export interface InstanceSetupTable {
	id: number;
	/** The account whose creation set the instance up (null for installs set up before this table). */
	set_up_by: string | null;
	set_up_at: string;
}

/** Sign-in attempts per throttle key (a hash), shared by every app server. */
export interface LoginThrottleTable {
	key: string;
	/** Attempts not yet proven right within the window (a correct password takes its own back). */
	attempts: number;
	updated_at: string;
}

/** Membership of a user in a project, with their role there. */
export interface ProjectMemberTable {
	project_id: string;
	user_id: string;
	role: ProjectRole;
	created_at: string;
	/** Who added them (null when the migration or the CLI did). */
	created_by: string | null;
}

export interface ProjectTable {
	id: string;
	slug: string;
	name: string;
	description: string;
	/** Transcription guidelines as markdown. */
	guidelines: string;
	/** Long recordings become tasks of this many ms (the last window may be shorter). */
	task_chunk_ms: Generated<number>;
	/** How far consecutive windows overlap, so a word cut at a boundary is heard whole in one of them. */
	task_overlap_ms: Generated<number>;
	/** A claimed task returns to the queue after this long without a heartbeat or save. */
	task_lease_ms: Generated<number>;
	/** N transcriptions of every window (double transcription when N > 1), variants 0..N-1. */
	transcriptions_per_task: Generated<number>;
	/** Share of a transcriber's claims (0–100 %) answered with a fresh copy of a gold task. */
	gold_percent: Generated<number>;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

/** One node of a project's dialect taxonomy; `parent_id` makes the hierarchy ("yue › Guangzhou"). */
export interface DialectTagTable {
	id: string;
	project_id: string;
	parent_id: string | null;
	/** ISO 639-3 code for a language (`yue`), or a project-chosen code for a sub-variety (`yue-gz`). */
	code: string;
	name_en: string;
	name_zh: string;
	sort_order: number;
}

/** A text layer every segment of the project carries (transcript, romanization, translation…). */
export interface TextLayerTable {
	id: string;
	project_id: string;
	/** Stable key used in segment texts, e.g. `transcript`. */
	key: string;
	name_en: string;
	name_zh: string;
	sort_order: number;
}

export interface SpeakerTable {
	id: string;
	project_id: string;
	code: string;
	name: string;
	gender: string | null;
	age_band: string | null;
	/** Dialect tag code of the speaker's home variety. */
	home_dialect: string | null;
	place: string | null;
	/** 0 once retired: kept on its segments and in exports, no longer offered for new assignments. */
	is_active: Generated<0 | 1>;
	created_at: string;
}

export type ProcessingState = 'queued' | 'processing' | 'ready' | 'failed';

export interface RecordingTable {
	id: string;
	project_id: string;
	/** Display name: the uploaded file's base name, never used as a path. */
	name: string;
	/** The original's content address; its bytes live at originals/<sha256[0..2]>/<sha256>. */
	sha256: string;
	original_ext: string;
	original_size: number;
	format_name: string;
	codec: string;
	duration_ms: number;
	sample_rate: number;
	channels: number;
	speaker_id: string | null;
	place: string | null;
	/** Free metadata (recording date, equipment, consent…) as JSON text. */
	metadata: string;
	state: ProcessingState;
	error: string | null;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface SegmentTable {
	id: string;
	recording_id: string;
	start_ms: number;
	end_ms: number;
	speaker_id: string | null;
	dialect_tag_id: string | null;
	/** JSON object: text layer key → text (NFC). */
	texts: string;
	/** Workflow state of the segment's transcription, e.g. `new`, `transcribed`. */
	status: string;
	/** Optimistic concurrency: every write must name the version it edits. */
	version: number;
	/** Where the text came from (SEGMENT_ORIGINS); edits keep it, an import that replaces the text sets it. */
	origin: Generated<SegmentOrigin>;
	/** 0: the primary transcription (editor, exports, imports); k > 0: another transcriber's or a gold copy's. */
	variant: Generated<number>;
	created_by: string | null;
	created_at: string;
	updated_by: string | null;
	updated_at: string;
}

/**
 * `manual`: made in the editor; `import`: read from a transcript file; `machine`: ASR output (its
 * post-editing is what the review metrics measure); `presegment`: proposed from voice activity.
 */
export type SegmentOrigin = 'manual' | 'import' | 'machine' | 'presegment';
export const SEGMENT_ORIGINS = ['manual', 'import', 'machine', 'presegment'] as const satisfies readonly SegmentOrigin[];

export type RevisionAction = 'create' | 'update' | 'delete' | 'restore';

/** Append-only: rows are inserted, never updated or deleted, and outlive their segment. */
export interface SegmentRevisionTable {
	id: string;
	segment_id: string;
	recording_id: string;
	/** The segment's version after this change (the deleted version for `delete`). */
	version: number;
	action: RevisionAction;
	/** JSON snapshot before the change, null on create. */
	before: string | null;
	/** JSON snapshot after the change, null on delete. */
	after: string | null;
	user_id: string | null;
	created_at: string;
}

/** A point (end_ms null) or span of a recording that is not a segment: TextGrid point tiers, Transcriber events. */
export interface RecordingEventTable {
	id: string;
	recording_id: string;
	time_ms: number;
	/** null for a point. */
	end_ms: number | null;
	/** The tier or kind it came from (a TextGrid point tier's name, a Transcriber event type). */
	tier: string;
	label: string;
	speaker_id: string | null;
	/** What brought it in, e.g. `textgrid a.TextGrid`. */
	source: string;
	created_by: string | null;
	created_at: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobTable {
	id: string;
	kind: string;
	/** JSON payload. */
	payload: string;
	state: JobState;
	attempts: number;
	error: string | null;
	/** Worker that holds a running job; a restart requeues jobs whose lock is stale. */
	locked_by: string | null;
	locked_at: string | null;
	created_at: string;
	updated_at: string;
}

/** A project's review setup; absent = the defaults (server/review/review-settings.ts). */
export interface ReviewSettingsTable {
	project_id: string;
	/** JSON array of 1–3 stages `{ nameEn, nameZh }`, in review order. */
	stages: string;
	/** JSON array of error categories `{ key, nameEn, nameZh }`. */
	categories: string;
	/** Largest sample error rate (CER, 0–1) at which a QA batch is accepted. */
	qa_threshold: number;
	updated_at: string;
}

export type ReviewDecision = 'accept' | 'correct' | 'reject';
export const REVIEW_DECISIONS = ['accept', 'correct', 'reject'] as const satisfies readonly ReviewDecision[];

/** Append-only: a reviewer's decision beside the segment, which keeps the transcriber's text. */
export interface SegmentReviewTable {
	id: string;
	segment_id: string;
	recording_id: string;
	task_id: string | null;
	/** 1-based review stage. */
	stage: number;
	/** The segment version the reviewer saw; an edit of the segment after it supersedes the review. */
	base_version: number;
	reviewer_id: string | null;
	decision: ReviewDecision;
	/** JSON of the fields the reviewer changed (texts per layer, speakerId, dialectTagId, startMs, endMs), for `correct`. */
	corrected: string | null;
	/** JSON array of error category keys. */
	categories: string;
	comment: string;
	created_at: string;
}

export type QaBatchState = 'open' | 'accepted' | 'returned';

export interface QaBatchTable {
	id: string;
	project_id: string;
	stage: number;
	/** Share of each stratum sampled, 0 < percent ≤ 100. */
	percent: number;
	seed: string;
	/** The project's threshold when the batch was drawn. */
	threshold: number;
	/** JSON `{ recordingIds }` (or `taskIds`): the work the batch covers. */
	scope: string;
	/** Segments in the scope when the sample was drawn. */
	population: number;
	state: QaBatchState;
	/** The sample's CER when decided. */
	error_rate: number | null;
	created_by: string | null;
	created_at: string;
	decided_by: string | null;
	decided_at: string | null;
}

export interface QaBatchItemTable {
	batch_id: string;
	segment_id: string;
	recording_id: string;
	/** `<transcriber id>|<dialect tag id>` the segment was drawn from. */
	stratum: string;
	/** Order in the sample (review order). */
	position: number;
}

/**
 * An export someone asked for; its work runs as a `job` row (kind `export`). `filter` and
 * `options` are JSON text (server/export/export.schemas.ts), `summary` the manifest's counts.
 */
export interface ExportJobTable {
	id: string;
	project_id: string;
	format: string;
	filter: string;
	options: string;
	state: JobState;
	/** 0–1. */
	progress: number;
	/** The finished zip under exports/ (null until done). */
	file_path: string | null;
	/** The name the download gets. */
	file_name: string | null;
	size: number | null;
	/** JSON: segments, hours, files (from the manifest). */
	summary: string | null;
	error: string | null;
	created_by: string | null;
	created_at: string;
	updated_at: string;
	finished_at: string | null;
}

/**
 * The audit trail (server/audit/audit.ts): append-only, triggers refuse UPDATE and DELETE. No
 * foreign keys: an entry outlives its project, actor and target. Segment edits are not here but in
 * segment_revision; the audit view is the union of both.
 */
export interface AuditLogTable {
	id: string;
	project_id: string | null;
	/** null for the command line and other unattended work. */
	actor_id: string | null;
	/** An AuditAction, e.g. `recording.rename`. */
	action: string;
	/** An AuditTargetType, e.g. `recording`. */
	target_type: string;
	target_id: string | null;
	/** JSON object: what changed (ids, counts, fields before and after). */
	details: string;
	created_at: string;
}

export type TaskState = 'new' | 'in_progress' | 'submitted' | 'in_review' | 'accepted' | 'returned';
export const TASK_STATES = ['new', 'in_progress', 'submitted', 'in_review', 'accepted', 'returned'] as const satisfies readonly TaskState[];

/** One window of a recording, for one variant, as a unit of work in the queue. */
export interface TaskTable {
	id: string;
	project_id: string;
	recording_id: string;
	/** Shared by every variant (and gold copy) of the same window: nobody gets two of them. */
	window_id: string;
	start_ms: number;
	end_ms: number;
	kind: Generated<'transcribe'>;
	state: Generated<TaskState>;
	/** Higher first; equal priorities by age. */
	priority: Generated<number>;
	/** The segment variant this task's transcription lives in. */
	variant: Generated<number>;
	/** Who transcribes it (kept after submission: the reviewer must not be them). */
	assignee_id: string | null;
	/** Who reviews it while in review (and who last did). */
	reviewer_id: string | null;
	/** While in_progress or in_review: the holder loses it after this instant. */
	lease_expires_at: string | null;
	/** How many times it was returned. */
	review_round: Generated<number>;
	/** The review stage it waits for or is in (1-based; a project has 1–3). */
	review_stage: Generated<number>;
	/** 0 | 1: accepted work a manager marked as a reference to score transcribers against. */
	is_gold: Generated<0 | 1>;
	/** Set on a gold copy: the gold task whose accepted text it is scored against. */
	gold_source_id: string | null;
	/** A scored gold copy's character errors (S + D + I) and the gold text's length. */
	gold_errors: number | null;
	gold_ref_length: number | null;
	created_at: string;
	updated_at: string;
	claimed_at: string | null;
	submitted_at: string | null;
	accepted_at: string | null;
}

/** Append-only: one row per transition (and per assignment or gold marking) of a task. */
export interface TaskEventTable {
	id: string;
	task_id: string;
	project_id: string;
	/** The TaskAction that made it (`claim`, `lapse`, `submit`, …). */
	action: string;
	from_state: TaskState;
	to_state: TaskState;
	/** null for the system (a lapsed lease). */
	user_id: string | null;
	at: string;
	note: string;
}

type Counter = ColumnType<number, number | undefined, number>;

/**
 * Dashboard figures per project and UTC day (`2026-12-18`), rolled up for everyone (user and tag
 * '*'), per person (tag '*') and per dialect tag (user '*'; '' is nobody / no tag), maintained on
 * write by server/dashboard/dashboard-facts.ts: each write adds its change.
 */
export interface DashboardDailyTable {
	project_id: string;
	day: string;
	user_id: string;
	dialect_tag_id: string;
	segments: Counter;
	segmented_ms: Counter;
	transcribed: Counter;
	transcribed_ms: Counter;
	/** Working time: 5-minute spans with a saved edit (activity_bucket), in minutes. */
	active_minutes: Counter;
	reviewed: Counter;
	reviewed_ms: Counter;
	accepted: Counter;
	accepted_ms: Counter;
	corrected: Counter;
	rejected: Counter;
	/** Characters of the reviewer's text and the transcriber's errors against it (CER = char_errors / ref_chars). */
	ref_chars: Counter;
	char_errors: Counter;
}

/** Error categories named by reviewers, per project, day and transcriber. */
export interface DashboardCategoryDailyTable {
	project_id: string;
	day: string;
	user_id: string;
	category: string;
	count: Counter;
}

/** A 5-minute span (its start, ISO) in which someone saved an edit in a project. */
export interface ActivityBucketTable {
	project_id: string;
	user_id: string;
	bucket: string;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Session = Selectable<SessionTable>;
export type Project = Selectable<ProjectTable>;
export type ProjectMember = Selectable<ProjectMemberTable>;
export type ProjectUpdate = Updateable<ProjectTable>;
export type DialectTag = Selectable<DialectTagTable>;
export type TextLayer = Selectable<TextLayerTable>;
export type Speaker = Selectable<SpeakerTable>;
export type NewSpeaker = Insertable<SpeakerTable>;
export type Recording = Selectable<RecordingTable>;
export type NewRecording = Insertable<RecordingTable>;
export type RecordingUpdate = Updateable<RecordingTable>;
export type Segment = Selectable<SegmentTable>;
export type NewSegment = Insertable<SegmentTable>;
export type SegmentRevision = Selectable<SegmentRevisionTable>;
export type RecordingEvent = Selectable<RecordingEventTable>;
export type NewRecordingEvent = Insertable<RecordingEventTable>;
export type Job = Selectable<JobTable>;
export type SegmentReview = Selectable<SegmentReviewTable>;
export type QaBatch = Selectable<QaBatchTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type Task = Selectable<TaskTable>;
export type NewTask = Insertable<TaskTable>;
export type TaskEvent = Selectable<TaskEventTable>;
export type ExportJob = Selectable<ExportJobTable>;
