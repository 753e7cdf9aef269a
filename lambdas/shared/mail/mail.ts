import type { Language } from '../../../contract/languages';
import { runbookLocation, type RunbookId } from '../../../contract/runbooks';
import { singleLine, truncateEnd, truncateUtf8, withoutControlCharacters } from '../text';
import { MAIL_CATALOGUE } from './catalogue';

/** One e-mail as SNS publishes it, and what a chat channel shows for the same alert. */
export interface Mail {
  subject: string;
  body: string;
  /** Absent for a mail composed without {@link composeMail}; chat then gets the subject and body. */
  chat?: ChatContent;
}

/** The parts of an alert a chat message shows: the mail's sections without its footer, and what to do next. */
export interface ChatContent {
  /** Blocks of text; `verbatim` ones (command output, raw events) must not be read as markup. */
  sections: readonly MailSection[];
  /** The runbook to follow, then each console link as `label: URL`. */
  nextSteps: readonly string[];
  /** What kind of alert this is: the id of its runbook. */
  kind: RunbookId;
}

/** A block of a mail's body: text, or text to be shown exactly as it is (command output, an event). */
export type MailSection = string | { readonly verbatim: string };

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
  /** Whom the closing note sends operators to instead of the unsubscribe link; a generic description when unset. */
  unsubscribeContact?: string;
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

/** The text of a section as a mail shows it. */
function sectionText(section: MailSection): string {
  return typeof section === 'string' ? section : section.verbatim;
}

/**
 * Joins sections into the body, then the runbook, the sender and the note on the unsubscribe link,
 * within SNS's size limit: when the body is too long its sections are cut, never its ending.
 */
export function composeBody(sections: readonly (MailSection | undefined)[], runbook: RunbookId, settings: MailSettings): string {
  const words = MAIL_CATALOGUE[settings.language];
  const ending = [runbookLines(runbook, settings).join('\n'), words.footer(settings.environmentName), words.unsubscribeNote(settings.unsubscribeContact)].join('\n\n');
  const head = sections.filter((section): section is MailSection => section !== undefined).map(sectionText).join('\n\n');
  const separator = '\n\n';
  return `${truncateUtf8(head, MAX_BODY_BYTES - Buffer.byteLength(separator + ending, 'utf8'))}${separator}${ending}`;
}

/** One mail: its subject, body and chat content, with the console links in a section of their own. */
export function composeMail(
  subject: string,
  parts: { sections: readonly (MailSection | undefined)[]; consoleLinks?: readonly (readonly [string, string | undefined])[]; runbook: RunbookId },
  settings: MailSettings,
): Mail {
  const words = MAIL_CATALOGUE[settings.language];
  const links = fieldLines(parts.consoleLinks ?? []);
  const sections = parts.sections.filter((section): section is MailSection => section !== undefined);
  return {
    subject,
    body: composeBody([...sections, ...(links ? [`${words.headings.console}\n${links}`] : [])], parts.runbook, settings),
    chat: {
      sections,
      nextSteps: [runbookStep(parts.runbook, settings), ...(links ? links.split('\n') : [])],
      kind: parts.runbook,
    },
  };
}

/** The runbook as one line: its title, then its URL or its path in the repository. */
function runbookStep(runbook: RunbookId, settings: MailSettings): string {
  const location = runbookLocation(runbook, settings.language, settings.runbookBaseUrl);
  return `${MAIL_CATALOGUE[settings.language].runbook(location.title)} (${location.url ?? location.path})`;
}

function runbookLines(runbook: RunbookId, settings: MailSettings): string[] {
  const words = MAIL_CATALOGUE[settings.language];
  const location = runbookLocation(runbook, settings.language, settings.runbookBaseUrl);
  return [words.runbook(location.title), location.url ?? words.runbookInRepository(location.path)];
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
