import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../contract/languages';
import { MAIL_CATALOGUE } from '../../lambdas/shared/mail/catalogue';
import { composeBody, MAX_BODY_BYTES } from '../../lambdas/shared/mail/mail';
import { logger } from '../../lambdas/shared/powertools';
import { PREVIEW_CONTACT, previewAlerts, type PreviewedAlert } from '../../scripts/preview-mails';
import { customNotification } from '../helpers/custom-notification';

const LAMBDAS = join(__dirname, '..', '..', 'lambdas');

/** Every `render…Mail` function the Lambdas export: every kind of mail the product writes. */
function mailRenderers(): string[] {
  return readdirSync(LAMBDAS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...readFileSync(join(LAMBDAS, file), 'utf8').matchAll(/export function (render\w+Mail)\b/g)].map((match) => match[1]!));
}

describe.each(LANGUAGES)('every mail the product writes, in %s', (language) => {
  let alerts: PreviewedAlert[];
  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    alerts = await previewAlerts(language);
  });

  it('is previewed, so that a mail kind added later is held to the same rules', () => {
    expect([...new Set(alerts.map((alert) => alert.renderer))].sort()).toEqual([...new Set(mailRenderers())].sort());
  });

  it('ends with the note that the unsubscribe link stops every alert, naming whom to ask instead', () => {
    const note = MAIL_CATALOGUE[language].unsubscribeNote(PREVIEW_CONTACT[language]);
    for (const alert of alerts) expect({ mail: alert.title, ending: alert.body.slice(-note.length) }).toEqual({ mail: alert.title, ending: note });
    expect(note).toContain(PREVIEW_CONTACT[language]);
    expect(note).toMatch(language === 'ja' ? /unsubscribe のリンクを押すと、このアドレスには今後すべての障害通知が届かなくなります/ : /the unsubscribe link below stops every alert to this address/);
  });

  it('goes to chat as a documented custom notification, without the note', () => {
    const note = MAIL_CATALOGUE[language].unsubscribeNote(PREVIEW_CONTACT[language]);
    for (const alert of alerts) {
      const notification = customNotification.parse(alert.chat);
      expect(notification.content.title).toBe(alert.subject);
      expect(notification.content.description).not.toContain(note);
    }
  });
});

describe('the closing note', () => {
  const settings = { language: 'ja', timeZone: 'Asia/Tokyo', environmentName: 'prod' } as const;

  it('names whoever manages the addresses when no contact is configured', () => {
    expect(composeBody(['本文'], 'command-failure', settings).endsWith('リンクを押さずに、このシステムの設定 (alerts.emails) を管理している担当者に連絡してください。')).toBe(true);
    expect(composeBody(['body'], 'command-failure', { ...settings, language: 'en' }).endsWith('ask whoever manages the alert addresses (alerts.emails) of this system instead.')).toBe(true);
  });

  it('sets a Latin contact off with spaces in Japanese', () => {
    expect(MAIL_CATALOGUE.ja.unsubscribeNote('ops-lead@example.com')).toContain('リンクを押さずに ops-lead@example.com に連絡してください。');
    expect(MAIL_CATALOGUE.ja.unsubscribeNote('運用チーム')).toContain('リンクを押さずに運用チームに連絡してください。');
  });

  it('survives a body too long for SNS: the sections are cut, never the ending', () => {
    const body = composeBody(['あ'.repeat(200_000)], 'command-failure', { ...settings, unsubscribeContact: '運用チーム' });
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.endsWith(MAIL_CATALOGUE.ja.unsubscribeNote('運用チーム'))).toBe(true);
    expect(body).toContain('■ 対応手順: Run Command の失敗');
  });
});
