/**
 * The signals the engine accepts for a container on Linux: what `docker kill --signal` and
 * `docker run --stop-signal` take. The engine parses them with moby's signal.ParseSignal (a name,
 * any case, with or without `SIG`, or a number) and refuses any signal not in its Linux table
 * (github.com/moby/sys/signal, signal_linux.go): 32 and 33, which glibc keeps for itself, and
 * anything past 64. Checked against Docker 20.10: `docker kill -s 32` answers "The linux daemon does
 * not support signal 32", `-s SIGRTMIN+16` "Invalid signal".
 */
const NAMES: ReadonlySet<string> = new Set([
  'ABRT',
  'ALRM',
  'BUS',
  'CHLD',
  'CLD',
  'CONT',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'IO',
  'IOT',
  'KILL',
  'PIPE',
  'POLL',
  'PROF',
  'PWR',
  'QUIT',
  'SEGV',
  'STKFLT',
  'STOP',
  'SYS',
  'TERM',
  'TRAP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'USR1',
  'USR2',
  'VTALRM',
  'WINCH',
  'XCPU',
  'XFSZ',
  'RTMIN',
  'RTMAX',
  ...Array.from({ length: 15 }, (_, n) => `RTMIN+${n + 1}`),
  ...Array.from({ length: 14 }, (_, n) => `RTMAX-${n + 1}`),
]);

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/**
 * The signal in the form the engine is sent it (`SIGQUIT`, `SIGRTMIN+3`, `15`), or undefined when
 * the engine would refuse it.
 */
export function parseSignal(text: string): string | undefined {
  const value = text.trim().toUpperCase();
  if (/^\+?\d{1,3}$/.test(value)) {
    const number = Number(value);
    const known = (number >= 1 && number < 32) || (number >= SIGRTMIN && number <= SIGRTMAX);
    return known ? String(number) : undefined;
  }
  const name = value.startsWith('SIG') ? value.slice(3) : value;
  return NAMES.has(name) ? `SIG${name}` : undefined;
}
