// Globals Node has and a browser does not, injected by the page's build where referenced
// (web/shims/README.md).
export { Buffer } from 'buffer';

/** Node's setImmediate: the callback on a later turn of the event loop. */
export function setImmediate(fn: (...args: unknown[]) => void, ...args: unknown[]): ReturnType<typeof setTimeout> {
  return setTimeout(fn, 0, ...args);
}
