/*
 * The console's line editor, word splitter and dispatcher. Single-threaded:
 * only the main loop calls in here (console_poll), so there is no locking;
 * the UART interrupt only fills the board's RX buffer.
 */
#include "console.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "board.h"

#define CONSOLE_CH_CTRL_C 0x03
#define CONSOLE_CH_BS     0x08
#define CONSOLE_CH_TAB    0x09
#define CONSOLE_CH_LF     0x0a
#define CONSOLE_CH_CR     0x0d
#define CONSOLE_CH_CTRL_U 0x15
#define CONSOLE_CH_ESC    0x1b
#define CONSOLE_CH_DEL    0x7f

/* Where the editor is in an ANSI escape sequence (ECMA-48 5.4): after ESC,
 * after the CSI introducer "ESC [", or in none. */
enum console_esc {
	CONSOLE_ESC_NONE,
	CONSOLE_ESC_SEEN,
	CONSOLE_ESC_CSI,
};

struct console_group {
	const struct console_cmd *cmds;
	size_t n;
};

static struct console_group console_groups[CONSOLE_GROUPS_MAX];
static size_t console_ngroups;
static void (*console_printers[CONSOLE_STATS_MAX])(void);
static size_t console_nprinters;
static struct console_stats console_st;

static char console_line[CONSOLE_LINE_MAX];
static size_t console_len;
static bool console_overflowed;
static bool console_after_cr;    /* last byte was CR: a following LF is part of CRLF */
static enum console_esc console_esc_state;

static int console_help_fn(int argc, char **argv);

static const struct console_cmd console_builtin[] = {
	{ "help", "", "list the commands", console_help_fn },
};

/* ---------------------------------------------------------------- output */

static void console_puts_raw(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			board_console_putc('\r');
		board_console_putc(*s);
	}
}

void console_printf(const char *fmt, ...)
{
	char buf[CONSOLE_OUT_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		console_st.out_truncated++;
	console_puts_raw(buf);
}

static void console_prompt(void)
{
	console_puts_raw(CONSOLE_PROMPT);
}

/* ---------------------------------------------------------------- registry */

int console_register(const struct console_cmd *cmds, size_t n)
{
	if (console_ngroups >= CONSOLE_GROUPS_MAX) {
		console_st.register_full++;
		console_printf("error: console: no room for command table '%s' "
		    "(CONSOLE_GROUPS_MAX=%u)\n", n > 0 ? cmds[0].name : "",
		    (unsigned)CONSOLE_GROUPS_MAX);
		return -1;
	}
	console_groups[console_ngroups].cmds = cmds;
	console_groups[console_ngroups].n = n;
	console_ngroups++;
	return 0;
}

int console_register_stats(void (*fn)(void))
{
	if (console_nprinters >= CONSOLE_STATS_MAX) {
		console_st.register_full++;
		console_printf("error: console: no room for a stats printer "
		    "(CONSOLE_STATS_MAX=%u)\n", (unsigned)CONSOLE_STATS_MAX);
		return -1;
	}
	console_printers[console_nprinters++] = fn;
	return 0;
}

void console_print_stats(void)
{
	const struct console_stats *s = &console_st;

	console_printf("console: lines=%u unknown=%u usage=%u overflow=%u "
	    "too_many_args=%u ignored=%u out_truncated=%u register_full=%u "
	    "tx_dropped=%lu\n",
	    s->lines, s->unknown, s->usage, s->overflow, s->too_many_args,
	    s->ignored, s->out_truncated, s->register_full,
	    (unsigned long)board_console_tx_dropped());
	for (size_t i = 0; i < console_nprinters; i++)
		console_printers[i]();
}

const struct console_stats *console_get_stats(void)
{
	return &console_st;
}

static const struct console_cmd *console_find(const char *name)
{
	for (size_t i = 0; i < sizeof console_builtin / sizeof console_builtin[0]; i++)
		if (strcmp(console_builtin[i].name, name) == 0)
			return &console_builtin[i];
	for (size_t g = 0; g < console_ngroups; g++)
		for (size_t i = 0; i < console_groups[g].n; i++)
			if (strcmp(console_groups[g].cmds[i].name, name) == 0)
				return &console_groups[g].cmds[i];
	return NULL;
}

static void console_help_line(const struct console_cmd *c)
{
	console_printf("  %-10s %-18s %s\n", c->name, c->args, c->help);
}

static int console_help_fn(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return 1;
	for (size_t i = 0; i < sizeof console_builtin / sizeof console_builtin[0]; i++)
		console_help_line(&console_builtin[i]);
	for (size_t g = 0; g < console_ngroups; g++)
		for (size_t i = 0; i < console_groups[g].n; i++)
			console_help_line(&console_groups[g].cmds[i]);
	return 0;
}

/* ---------------------------------------------------------------- dispatch */

/* Split `line` in place into words. Returns the word count, or -1 when
 * there are more than CONSOLE_ARGC_MAX (argv then holds the first ones). */
static int console_split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			return argc;
		if (argc == CONSOLE_ARGC_MAX)
			return -1;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
}

static void console_usage(const struct console_cmd *c)
{
	console_st.usage++;
	if (c->args[0] != '\0')
		console_printf("usage: %s %s\n", c->name, c->args);
	else
		console_printf("usage: %s\n", c->name);
}

static void console_dispatch(char *line)
{
	char *argv[CONSOLE_ARGC_MAX + 1];
	int argc = console_split(line, argv);

	if (argc == 0)
		return;
	console_st.lines++;
	const struct console_cmd *c = console_find(argv[0]);
	if (c == NULL) {
		console_st.unknown++;
		console_printf("unknown command '%s'; try 'help'\n", argv[0]);
		return;
	}
	if (argc < 0) {
		console_st.too_many_args++;
		console_usage(c);
		return;
	}
	argv[argc] = NULL;
	if (c->fn(argc, argv) != 0)
		console_usage(c);
}

/* ---------------------------------------------------------------- editing */

static void console_erase_chars(size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_puts_raw("\b \b");
}

static void console_discard(void)
{
	console_len = 0;
	console_overflowed = false;
}

static void console_end_line(void)
{
	console_puts_raw("\n");
	if (console_overflowed) {
		console_st.overflow++;
		console_printf("error: line too long (max %u characters), discarded\n",
		    (unsigned)(CONSOLE_LINE_MAX - 1));
	} else {
		console_line[console_len] = '\0';
		console_dispatch(console_line);
	}
	console_discard();
	console_prompt();
}

static void console_append(char c)
{
	/* Past the limit the rest of the line is swallowed and not echoed, so
	 * the screen shows what the console will actually see. */
	if (console_overflowed || console_len + 1 >= CONSOLE_LINE_MAX) {
		console_overflowed = true;
		return;
	}
	console_line[console_len++] = c;
	board_console_putc(c);
}

/* Returns true when `c` was part of an escape sequence and is consumed. */
static bool console_escape(unsigned char c)
{
	switch (console_esc_state) {
	case CONSOLE_ESC_NONE:
		if (c != CONSOLE_CH_ESC)
			return false;
		console_esc_state = CONSOLE_ESC_SEEN;
		return true;
	case CONSOLE_ESC_SEEN:
		/* A two-byte sequence ends here unless it opens a CSI. */
		console_esc_state = c == '[' ? CONSOLE_ESC_CSI : CONSOLE_ESC_NONE;
		return true;
	case CONSOLE_ESC_CSI:
		/* ECMA-48: parameter and intermediate bytes are 0x20-0x3f, the
		 * final byte 0x40-0x7e ends the sequence. */
		if (c >= 0x40 && c <= 0x7e)
			console_esc_state = CONSOLE_ESC_NONE;
		else if (c < 0x20 || c > 0x3f)
			console_esc_state = CONSOLE_ESC_NONE; /* malformed: drop it */
		return true;
	}
	return false;
}

static void console_byte(unsigned char c)
{
	bool after_cr = console_after_cr;

	console_after_cr = c == CONSOLE_CH_CR;
	if (console_escape(c)) {
		console_st.ignored++;
		return;
	}
	if (c == CONSOLE_CH_LF && after_cr)
		return;
	if (c == CONSOLE_CH_CR || c == CONSOLE_CH_LF) {
		console_end_line();
	} else if (c == CONSOLE_CH_BS || c == CONSOLE_CH_DEL) {
		if (console_len > 0 && !console_overflowed) {
			console_len--;
			console_erase_chars(1);
		}
	} else if (c == CONSOLE_CH_CTRL_U) {
		if (!console_overflowed)
			console_erase_chars(console_len);
		console_discard();
	} else if (c == CONSOLE_CH_CTRL_C) {
		console_puts_raw("^C\n");
		console_discard();
		console_prompt();
	} else if (c == CONSOLE_CH_TAB) {
		console_append(' '); /* pasted text: a tab separates words */
	} else if (c >= 0x20 && c < CONSOLE_CH_DEL) {
		console_append((char)c);
	} else {
		console_st.ignored++;
	}
}

void console_init(void)
{
	console_discard();
	console_after_cr = false;
	console_esc_state = CONSOLE_ESC_NONE;
	console_prompt();
}

void console_poll(void)
{
	int c;

	while ((c = board_console_getc()) >= 0)
		console_byte((unsigned char)c);
}

#ifdef FW_HOST_TEST
void console_test_reset(void)
{
	console_ngroups = 0;
	console_nprinters = 0;
	memset(&console_st, 0, sizeof console_st);
	console_discard();
	console_after_cr = false;
	console_esc_state = CONSOLE_ESC_NONE;
}
#endif
