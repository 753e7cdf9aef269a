import { truncateEnd } from '../text';
import type { Mail, MailSection } from './mail';

/**
 * A custom notification of Amazon Q Developer in chat applications, published as the SNS message of
 * the chat topic. The service drops messages it does not recognise (plain text included), so chat
 * gets this JSON and never the mail's text.
 */
export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    summary: string;
    eventType: string;
    additionalContext: Record<string, string>;
  };
}

/**
 * Chat clients fold long messages, and the service's field limits are not published: the description
 * keeps its beginning (what happened, where) and the mail has the rest.
 */
export const MAX_CHAT_DESCRIPTION_LENGTH = 3500;

/** Slack and Teams read markdown; command output and events are quoted as code so that nothing in them is. */
function markdown(section: MailSection): string {
  if (typeof section === 'string') return section;
  // A fence inside the text would end the code block early.
  return `\`\`\`\n${section.verbatim.replaceAll('```', '`\u200b``')}\n\`\`\``;
}

/** The chat message for a mail: same title, the mail's sections, the runbook and console links as next steps. */
export function renderChatNotification(mail: Mail, environmentName: string): ChatNotification {
  const chat = mail.chat ?? { sections: [{ verbatim: mail.body }], nextSteps: [], kind: 'alert' };
  const description = chat.sections.map(markdown).join('\n\n');
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: mail.subject,
      description: truncateEnd(description, MAX_CHAT_DESCRIPTION_LENGTH, fenceAware(description)),
      nextSteps: [...chat.nextSteps],
      keywords: [environmentName, chat.kind],
    },
    metadata: {
      summary: mail.subject,
      eventType: chat.kind,
      additionalContext: { environment: environmentName },
    },
  };
}

/** The ellipsis for a cut description: one that closes a code block left open by the cut. */
function fenceAware(description: string): string {
  const cutAt = MAX_CHAT_DESCRIPTION_LENGTH - 8;
  const fencesBefore = description.slice(0, cutAt).split('```').length - 1;
  return fencesBefore % 2 === 1 ? '\n…\n```' : '\n…';
}
