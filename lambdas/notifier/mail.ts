import type { Language } from '../../contract/languages';
import { runbookLocation, type RunbookId } from '../../contract/runbooks';
import { singleLine, truncateEnd, truncateUtf8, withoutControlCharacters } from '../shared/text';
import { MAIL_CATALOGUE } from './catalogue';

/** One e-mail as SNS publishes it. */
export interface Mail {
  subject: string;
  body: string;
}

/** SNS accepts subjects of fewer than 100 characters, with no line breaks or control characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** SNS messages must stay under 256 KiB of UTF-8; the margin covers the subject and attributes. */
export const MAX_BODY_BYTES = 256 * 1024 - 2048;
/** A name shorter than this is no longer recognizable, so past it the whole subject is cut instead. */
const MIN_NAME_LENGTH = 8;

/** How every mail is written: language, time zone, where runbooks live, which environment sends it. */
export interface MailSettings {
  language: Language;
  timeZone: string;
  runbookBaseUrl?: string;
  environmentName: string;
}

/**
 * `before + name + after` as one line of at most 99 characters. The (account) name is shortened first,
 * so the document and status at the end stay readable.
 */
export function composeSubject(before: string, name: string, after: string): string {
  const [head, middle, tail] = [withoutControlCharacters(before), singleLine(name), withoutControlCharacters(after)];
  const whole = singleLine(`${head}${middle}${tail}`);
  if (whole.length <= MAX_SUBJECT_LENGTH) return whole;
  const room = MAX_SUBJECT_LENGTH - head.length - tail.length;
  if (room >= MIN_NAME_LENGTH) return singleLine(`${head}${truncateEnd(middle, room)}${tail}`);
  return truncateEnd(whole, MAX_SUBJECT_LENGTH);
}

/** Joins sections into the body, ending with the runbook and the sender, within SNS's size limit. */
export function composeBody(sections: readonly (string | undefined)[], runbook: RunbookId, settings: MailSettings): string {
  const words = MAIL_CATALOGUE[settings.language];
  const location = runbookLocation(runbook, settings.language, settings.runbookBaseUrl);
  const runbookLines = [words.runbook(location.title), location.url ?? words.runbookInRepository(location.path)];
  const footer = words.footer(settings.environmentName);
  const body = [...sections.filter((section): section is string => section !== undefined), runbookLines.join('\n'), footer].join('\n\n');
  return truncateUtf8(body, MAX_BODY_BYTES);
}

/** `label: value` lines, skipping values that are not known. */
export function fieldLines(fields: readonly (readonly [string, string | undefined])[]): string {
  return fields
    .filter((field): field is readonly [string, string] => field[1] !== undefined && field[1] !== '')
    .map(([label, value]) => `${label}: ${value}`)
    .join('\n');
}

/** The account as mails show it: its display name and ID, or the ID alone when the name is unknown. */
export function accountLabel(accountId: string, displayName: string | undefined): string {
  return displayName ? `${displayName} (${accountId})` : accountId;
}

/** The instance as mails show it: its ID and, when it has one, its Name tag. */
export function instanceLabel(instanceId: string, name: string | undefined): string {
  return name ? `${instanceId} (Name: ${name})` : instanceId;
}
