/**
 * The error sentence as the terminal gets it: whatever a user typed may be echoed in it, and a
 * 100 KB flag value or an ESC character must not reach the terminal as is. Values the parser echoes
 * are already quoted and cut (config/values.ts shownValue); this is the net for every other path.
 */

/** A run of non-space characters longer than this (a path, a value) keeps its start and end. */
const LONG_RUN = 200;
/** The whole sentence: its start says what, its end says how to fix it. */
const MAX_LENGTH = 2000;

// C0 and C1 controls except tab and newline, and DEL.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function cutMiddle(text: string, keep: number): string {
  const head = text.slice(0, keep);
  const tail = text.slice(-keep);
  return `${head}…(${text.length - 2 * keep} characters cut)…${tail}`;
}

export function terminalSentence(message: string): string {
  const escaped = message.replace(CONTROL, escapeControl);
  const runsCut = escaped.replace(new RegExp(`\\S{${LONG_RUN + 1},}`, 'g'), (run) => cutMiddle(run, LONG_RUN / 4));
  return runsCut.length > MAX_LENGTH ? cutMiddle(runsCut, MAX_LENGTH / 2 - 50) : runsCut;
}
