/**
 * Text hygiene shared by every report: what vitest and kubectl hand us may carry terminal colour
 * or control characters, which do not belong in a file someone will publish. Credentials are
 * redact.ts's job.
 */

// CSI (colour, cursor) and OSC (hyperlinks, titles) escape sequences.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Characters XML 1.0 cannot hold at all (not even as references): C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE/U+FFFF.
 */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(XML_INVALID, '');
}

/** The first non-empty line, for one-line summaries and attribute values. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  return (
    text
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
