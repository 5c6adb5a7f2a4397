// Environment variables where there is a process (Node); none in a browser, where `process` does
// not exist and the same code runs for the page (web/).

/** The variable's value, or undefined (unset, or no process at all). */
export function envVar(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env[name];
}
