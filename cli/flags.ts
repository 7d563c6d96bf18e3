/**
 * What every command of this project says about an argument it does not know: the same words,
 * with the nearest option it has when there is one (`--outptus` → did you mean --outputs?).
 */
import { closest } from '../app/config/keys';

/** `unknown option --x`, with a did-you-mean when one of `known` is near enough to be a typo of it. */
export function unknownOption(flag: string, known: readonly string[]): string {
  // A known switch given a value (`--reset=yes`) is the only known flag that arrives here.
  if (known.includes(flag)) return `${flag} takes no value`;
  const long = known.filter((k) => k.startsWith('--')).map((k) => k.slice(2));
  const near = closest(flag.replace(/^-+/, ''), long);
  return `unknown option ${flag}${near ? `; did you mean --${near}?` : ''}`;
}

/**
 * Exit codes, the same for every command (docs/REFERENCE.md, "Commands and exit codes"): 0 success (and
 * `--help`); 1 a check failed, or the command could not run: bad arguments, a bad outputs or
 * configuration file, no credentials. stdout carries only results, stderr only problems.
 */
export const EXIT = { OK: 0, FAILED: 1 } as const;
