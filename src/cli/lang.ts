import { langOf, type Lang } from '../vocabulary/labels';

/**
 * The language of the CLI's human-readable output: `--lang zh|en` when given, else the shell's locale
 * (`LC_ALL`, `LC_MESSAGES`, `LANG`, e.g. `zh_CN.UTF-8`), else English.
 */
export function cliLang(flag?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag !== undefined) return langOf(flag);
  return langOf(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

/** `--lang` given anywhere on the command line (commander hands it to the subcommand that declares it). */
export function langFromArgv(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
}

let chosen: string | undefined;

/** Remembers the `--lang` of the command about to run (the program's preAction hook calls this). */
export function chooseLang(flag: string | undefined): void {
  chosen = flag;
}

/**
 * The language of the running command's messages: `--lang` (the program's, or `flag` where a command is
 * registered on a program of its own), else the shell's locale, else English.
 */
export function currentLang(flag?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  return cliLang(flag ?? chosen, env);
}
