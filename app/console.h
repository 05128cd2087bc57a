/*
 * The console: a line-editing prompt on the board UART that dispatches
 * lines to tables of commands. Any module adds a table with
 * console_register(); the `stats` command gathers sections from printers
 * registered with console_register_stats().
 *
 * Line editing: printable ASCII is echoed and appended; backspace (0x08)
 * and DEL (0x7f) erase one character; Ctrl-U erases the line; Ctrl-C
 * abandons it; CR, LF or CRLF ends it; ANSI escape sequences (arrow keys)
 * and other control bytes are ignored. A line longer than
 * CONSOLE_LINE_MAX - 1 characters is discarded with an error when it ends.
 *
 * Output format, kept stable because the end-to-end tests parse it:
 * - a record is one line `section: key=value key=value ...`, where the
 *   section and keys are single tokens ([A-Za-z0-9_.]) and values contain
 *   no spaces;
 * - a lone setting is one line `key=value`;
 * - errors start with the words below, verbatim:
 *     usage: <name> <args>
 *     unknown command '<name>'; try 'help'
 *     error: <text>
 * - every reply ends with the prompt CONSOLE_PROMPT at the start of a line.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

#define CONSOLE_PROMPT "finwait> "

#ifndef CONSOLE_LINE_MAX
#define CONSOLE_LINE_MAX 128      /* bytes in an input line, NUL included */
#endif
#ifndef CONSOLE_ARGC_MAX
#define CONSOLE_ARGC_MAX 8        /* words in a line, command name included */
#endif
#ifndef CONSOLE_GROUPS_MAX
#define CONSOLE_GROUPS_MAX 8      /* command tables console_register() keeps */
#endif
#ifndef CONSOLE_STATS_MAX
#define CONSOLE_STATS_MAX 4       /* printers console_register_stats() keeps */
#endif
#ifndef CONSOLE_OUT_MAX
#define CONSOLE_OUT_MAX 256       /* bytes one console_printf() call can emit */
#endif

/**
 * One console command. `fn` gets the words of the line (argv[0] is the
 * name) and returns 0, or nonzero when the arguments were wrong: the
 * console then prints `usage: <name> <args>`. A command that fails for any
 * other reason prints its own `error: ...` line and returns 0.
 */
struct console_cmd {
	const char *name;
	const char *args;   /* e.g. "IP PORT", "" when none */
	const char *help;   /* one line for `help` */
	int (*fn)(int argc, char **argv);
};

/** Counters of the console itself, printed in `stats` as `console:`. */
struct console_stats {
	unsigned lines;             /* lines dispatched (empty ones excluded) */
	unsigned unknown;           /* unknown command names */
	unsigned usage;             /* usage messages printed */
	unsigned overflow;          /* lines discarded for length */
	unsigned too_many_args;     /* lines with more than CONSOLE_ARGC_MAX words */
	unsigned ignored;           /* control bytes ignored */
	unsigned out_truncated;     /* console_printf() output cut to CONSOLE_OUT_MAX */
	unsigned register_full;     /* tables or printers refused: limits reached */
};

/** Add a table of `n` commands. The table must outlive the console.
 *  Returns 0, or -1 (counted, reported on the console) when
 *  CONSOLE_GROUPS_MAX tables are already registered. A name registered
 *  twice resolves to the earlier table. */
int console_register(const struct console_cmd *cmds, size_t n);

/** Add a section printer for `stats`. Returns 0, or -1 (counted) when
 *  CONSOLE_STATS_MAX printers are already registered. */
int console_register_stats(void (*fn)(void));

/** Run the console's own section and every registered stats printer, in
 *  registration order (the `stats` command calls this after its own). */
void console_print_stats(void);

/** Reset the line editor and print the prompt. Register commands first. */
void console_init(void);

/** Consume every byte waiting on the console UART; never blocks. */
void console_poll(void);

/** printf to the console (at most CONSOLE_OUT_MAX bytes per call);
 *  "\n" goes out as "\r\n". */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The console's own counters. */
const struct console_stats *console_get_stats(void);

#ifdef FW_HOST_TEST
/** Forget every registration and counter (unit tests only). */
void console_test_reset(void);
#endif

#endif
