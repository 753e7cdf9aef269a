/** Languages the mails are written in. */
export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One text per language. */
export type Localized<T = string> = Record<Language, T>;
