// Messages built from another library's error (JSON.parse quotes the bad text, newlines and
// binary included) must stay one readable line: UnreadableError's contract.

/** The first line of an error's message, control characters shown as `?`, at most 200 characters. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  const line = (text.split(/\r?\n/)[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, '?');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
