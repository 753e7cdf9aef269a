/**
 * The alert notes: the agent watch's DynamoDB table of its mail decisions. Before a node's alarm is
 * moved, the watch writes what the notifier should do with the alarm's event (mail it, leave it to a
 * digest, say the instance was stopped, or nothing for a muted instance); the notifier reads it. The
 * table also holds the watch's storm state, and a digest's notes are found through an index.
 */

/** The table's partition key attribute. */
export const ALERT_NOTES_KEY = 'id';
/** The attribute DynamoDB's time to live reads (epoch seconds). */
export const ALERT_NOTES_EXPIRY = 'expiresAt';
/** The index of the notes by the digest that lists them. */
export const ALERT_NOTES_DIGEST_INDEX = 'by-digest';
/** The index's partition key attribute: the digest's ID. */
export const ALERT_NOTES_DIGEST_KEY = 'digestId';
