/** A speaker as the editor needs it (SpeakerDto's shape). */
export interface SpeakerLike {
	readonly id: string;
	readonly isActive: boolean;
}

/** The speakers offered for new assignments, in project order: number keys 1–9 pick from these. */
export function activeSpeakers<T extends SpeakerLike>(speakers: readonly T[]): T[] {
	return speakers.filter((s) => s.isActive);
}

/**
 * What the speaker picker lists for a segment: the active speakers, plus the segment's own speaker
 * when they have been deactivated since, so the picker still says who it is.
 */
export function pickerSpeakers<T extends SpeakerLike>(speakers: readonly T[], currentId: string | null): T[] {
	return speakers.filter((s) => s.isActive || s.id === currentId);
}
