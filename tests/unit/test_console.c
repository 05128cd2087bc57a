/*
 * Console: line editing, word splitting, dispatch, usage and help, and the
 * network commands, over a fake board UART that records every byte sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "board.h"
#include "cmd_net.h"
#include "console.h"
#include "eth_mac.h"
#include "fw_ip.h"

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

#define FAKE_IN_MAX  4096
#define FAKE_OUT_MAX 16384

/* ---------------------------------------------------------------- fake board */

static unsigned char fake_in[FAKE_IN_MAX];
static size_t fake_in_len, fake_in_pos;
static char fake_out[FAKE_OUT_MAX + 1];
static size_t fake_out_len;
static unsigned fake_getc_calls_empty;
static jmp_buf fake_reboot_jmp;
static int fake_reboots;

int board_console_getc(void)
{
	if (fake_in_pos == fake_in_len) {
		fake_getc_calls_empty++;
		return -1;
	}
	return fake_in[fake_in_pos++];
}

void board_console_putc(char c)
{
	assert_true(fake_out_len < FAKE_OUT_MAX);
	fake_out[fake_out_len++] = c;
	fake_out[fake_out_len] = '\0';
}

static struct eth_mac_stats fake_mac_stats = { .rx_frames = 7, .tx_frames = 5, .rx_missed = 3 };

static void fake_mac_diag(eth_mac_print_fn *print)
{
	print("eth: driver=fake state=running\n");
	print("eth.phy: id=0x%04x:0x%04x\n", 7u, 0xc131u);
}

static const struct eth_mac_ops fake_mac = { .stats = &fake_mac_stats, .diag = fake_mac_diag };
static const struct eth_mac_ops fake_mac_no_diag = { .stats = &fake_mac_stats };
static const struct eth_mac_ops *fake_board_mac = &fake_mac;

/* Bytes the board's TX ring dropped; console_print_stats() reports them. */
uint32_t board_console_tx_dropped(void)
{
	return 42;
}

const struct eth_mac_ops *board_eth_mac(void)
{
	return fake_board_mac;
}

uint32_t board_now_ms(void)
{
	return 1234;
}

void board_reboot(void)
{
	fake_reboots++;
	longjmp(fake_reboot_jmp, 1);
}

u32_t sys_now(void)
{
	return 0;
}

uint32_t fw_rand32(void)
{
	return 4; /* chosen by a fair dice roll; tests need no entropy */
}

void fw_assert_failed(const char *msg, const char *file, int line)
{
	fail_msg("lwIP assertion '%s' at %s:%d", msg, file, line);
}

/* ---------------------------------------------------------------- helpers */

static void feed_bytes(const void *p, size_t n)
{
	assert_true(fake_in_len + n <= FAKE_IN_MAX);
	memcpy(fake_in + fake_in_len, p, n);
	fake_in_len += n;
}

static void feed(const char *s)
{
	feed_bytes(s, strlen(s));
}

static void out_clear(void)
{
	fake_out_len = 0;
	fake_out[0] = '\0';
}

/* Feed `s`, poll once, and check that every byte was consumed. */
static void type(const char *s)
{
	feed(s);
	console_poll();
	assert_int_equal(fake_in_pos, fake_in_len);
}

static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---------------------------------------------------------------- test commands */

static int rec_argc;
static char rec_argv[CONSOLE_ARGC_MAX][CONSOLE_LINE_MAX];
static int rec_calls;
static int rec_ret;

static int cmd_rec(int argc, char **argv)
{
	rec_calls++;
	rec_argc = argc;
	for (int i = 0; i < argc; i++)
		snprintf(rec_argv[i], sizeof rec_argv[i], "%s", argv[i]);
	assert_null(argv[argc]);
	return rec_ret;
}

static const struct console_cmd test_cmds[] = {
	{ "rec", "[WORD...]", "record its arguments", cmd_rec },
	{ "connect", "IP PORT", "open a connection", cmd_rec },
};

static int setup(void **state)
{
	(void)state;
	console_test_reset();
	fake_in_len = fake_in_pos = 0;
	fake_getc_calls_empty = 0;
	rec_argc = rec_calls = rec_ret = 0;
	memset(rec_argv, 0, sizeof rec_argv);
	out_clear();
	assert_int_equal(console_register(test_cmds, 2), 0);
	console_init();
	assert_string_equal(fake_out, CONSOLE_PROMPT);
	out_clear();
	return 0;
}

/* ---------------------------------------------------------------- editing */

static void test_dispatch_words(void **state)
{
	(void)state;
	type("rec  alpha\tbeta   gamma \r");
	assert_int_equal(rec_calls, 1);
	assert_int_equal(rec_argc, 4);
	assert_string_equal(rec_argv[0], "rec");
	assert_string_equal(rec_argv[1], "alpha");
	assert_string_equal(rec_argv[2], "beta");
	assert_string_equal(rec_argv[3], "gamma");
	/* Echo, then CRLF, then the prompt again. */
	assert_string_equal(fake_out, "rec  alpha beta   gamma \r\n" CONSOLE_PROMPT);
}

static void test_cr_lf_crlf_each_end_one_line(void **state)
{
	(void)state;
	type("rec a\r");
	type("rec b\n");
	type("rec c\r\n");
	assert_int_equal(rec_calls, 3);
	/* The LF of CRLF must not count as a second, empty line. */
	assert_int_equal(count_of(fake_out, CONSOLE_PROMPT), 3);
	/* CRLF split across two polls is still one line end. */
	out_clear();
	type("rec d\r");
	type("\n");
	assert_int_equal(rec_calls, 4);
	assert_int_equal(count_of(fake_out, CONSOLE_PROMPT), 1);
	/* Two LFs are two line ends (the second one empty). */
	out_clear();
	type("\n\n");
	assert_int_equal(count_of(fake_out, CONSOLE_PROMPT), 2);
	assert_int_equal(console_get_stats()->lines, 4);
}

static void test_backspace_and_del(void **state)
{
	(void)state;
	type("rex\bc  x\x7f\x7fy\r");
	assert_int_equal(rec_calls, 1);
	assert_int_equal(rec_argc, 2);
	assert_string_equal(rec_argv[1], "y");
	assert_non_null(strstr(fake_out, "x\b \bc"));
}

static void test_backspace_on_empty_line_does_nothing(void **state)
{
	(void)state;
	type("\b\x7f\b");
	assert_string_equal(fake_out, "");
	type("rec\r");
	assert_int_equal(rec_calls, 1);
}

static void test_ctrl_u_kills_line(void **state)
{
	(void)state;
	type("connect 1 2 3\x15rec z\r");
	assert_int_equal(rec_calls, 1);
	assert_string_equal(rec_argv[0], "rec");
	assert_string_equal(rec_argv[1], "z");
	/* The screen is wiped once per character typed so far (13). */
	assert_int_equal(count_of(fake_out, "\b \b"), 13);
}

static void test_ctrl_c_abandons_line(void **state)
{
	(void)state;
	type("rec q\x03");
	assert_int_equal(rec_calls, 0);
	assert_string_equal(fake_out, "rec q^C\r\n" CONSOLE_PROMPT);
	type("\r");
	assert_int_equal(rec_calls, 0);
	type("rec w\r");
	assert_int_equal(rec_calls, 1);
	assert_string_equal(rec_argv[1], "w");
}

static void test_control_bytes_ignored(void **state)
{
	(void)state;
	const unsigned char bytes[] = { 'r', 0x01, 'e', 0x00, 0x07, 'c', 0x1f, 0x80,
		0xff, ' ', 'k', '\r' };

	feed_bytes(bytes, sizeof bytes);
	console_poll();
	assert_int_equal(rec_calls, 1);
	assert_string_equal(rec_argv[0], "rec");
	assert_string_equal(rec_argv[1], "k");
	assert_int_equal(console_get_stats()->ignored, 6);
	assert_string_equal(fake_out, "rec k\r\n" CONSOLE_PROMPT);
}

static void test_escape_sequences_ignored(void **state)
{
	(void)state;
	/* Up arrow (ESC [ A), Delete key (ESC [ 3 ~), Ctrl-Right (ESC [ 1 ; 5 C)
	 * and a two-byte sequence (ESC x) leave nothing in the line. */
	type("\x1b[Are\x1b[3~c\x1b[1;5C \x1bxy\r");
	assert_int_equal(rec_calls, 1);
	assert_int_equal(rec_argc, 2);
	assert_string_equal(rec_argv[0], "rec");
	assert_string_equal(rec_argv[1], "y");
	assert_string_equal(fake_out, "rec y\r\n" CONSOLE_PROMPT);
}

static void test_poll_drains_without_blocking(void **state)
{
	(void)state;
	console_poll();
	assert_int_equal(fake_getc_calls_empty, 1);
	type("re");
	assert_int_equal(rec_calls, 0);
	type("c 1\rrec 2\r");
	assert_int_equal(rec_calls, 2);
	assert_string_equal(rec_argv[1], "2");
}

static void test_overlong_line_reported_and_dropped(void **state)
{
	(void)state;
	char line[CONSOLE_LINE_MAX + 16];

	memset(line, 'a', sizeof line - 1);
	memcpy(line, "rec ", 4);
	line[sizeof line - 1] = '\0';
	type(line);
	type("\r");
	assert_int_equal(rec_calls, 0);
	assert_int_equal(console_get_stats()->overflow, 1);
	assert_non_null(strstr(fake_out, "error: line too long"));
	/* Only what fits is echoed. */
	assert_int_equal(strspn(fake_out + 4, "a"), CONSOLE_LINE_MAX - 1 - 4);
	assert_true(strncmp(fake_out + CONSOLE_LINE_MAX - 1, "\r\nerror: ", 9) == 0);
	/* The editor recovers for the next line. */
	type("rec ok\r");
	assert_int_equal(rec_calls, 1);
	assert_string_equal(rec_argv[1], "ok");
}

static void test_longest_line_accepted(void **state)
{
	(void)state;
	char line[CONSOLE_LINE_MAX];

	memset(line, 'b', sizeof line - 1);
	memcpy(line, "rec ", 4);
	line[sizeof line - 1] = '\0';
	type(line);
	type("\r");
	assert_int_equal(rec_calls, 1);
	assert_int_equal(strlen(rec_argv[1]), CONSOLE_LINE_MAX - 1 - 4);
	assert_int_equal(console_get_stats()->overflow, 0);
}

static void test_ctrl_u_after_overflow_recovers(void **state)
{
	(void)state;
	char line[CONSOLE_LINE_MAX + 8];

	memset(line, 'c', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	type(line);
	type("\x15rec u\r");
	assert_int_equal(rec_calls, 1);
	assert_string_equal(rec_argv[1], "u");
	assert_int_equal(console_get_stats()->overflow, 0);
}

/* ---------------------------------------------------------------- dispatch */

static void test_unknown_command(void **state)
{
	(void)state;
	type("frobnicate now\r");
	assert_string_equal(fake_out,
	    "frobnicate now\r\nunknown command 'frobnicate'; try 'help'\r\n" CONSOLE_PROMPT);
	assert_int_equal(console_get_stats()->unknown, 1);
}

static void test_nonzero_return_prints_usage(void **state)
{
	(void)state;
	rec_ret = 1;
	type("connect 192.0.2.1\r");
	assert_int_equal(rec_calls, 1);
	assert_non_null(strstr(fake_out, "\r\nusage: connect IP PORT\r\n" CONSOLE_PROMPT));
	assert_int_equal(console_get_stats()->usage, 1);
}

static void test_too_many_words_prints_usage(void **state)
{
	(void)state;
	char line[CONSOLE_LINE_MAX];
	size_t o = (size_t)snprintf(line, sizeof line, "rec");

	for (int i = 0; i < CONSOLE_ARGC_MAX; i++)
		o += (size_t)snprintf(line + o, sizeof line - o, " w%d", i);
	type(line);
	type("\r");
	assert_int_equal(rec_calls, 0);
	assert_non_null(strstr(fake_out, "usage: rec [WORD...]"));
	assert_int_equal(console_get_stats()->too_many_args, 1);
	/* Exactly CONSOLE_ARGC_MAX words are fine. */
	out_clear();
	line[strrchr(line, ' ') - line] = '\0';
	type(line);
	type("\r");
	assert_int_equal(rec_calls, 1);
	assert_int_equal(rec_argc, CONSOLE_ARGC_MAX);
}

static void test_empty_and_blank_lines(void **state)
{
	(void)state;
	type("\r \t \r");
	assert_int_equal(rec_calls, 0);
	assert_int_equal(console_get_stats()->lines, 0);
	assert_int_equal(count_of(fake_out, CONSOLE_PROMPT), 2);
	assert_null(strstr(fake_out, "unknown"));
}

static void test_help_lists_every_command(void **state)
{
	(void)state;
	type("help\r");
	assert_non_null(strstr(fake_out, "help"));
	const char *rec = strstr(fake_out, "  rec ");
	const char *con = strstr(fake_out, "  connect ");
	assert_non_null(rec);
	assert_non_null(con);
	assert_true(rec < con); /* registration order */
	assert_non_null(strstr(fake_out, "[WORD...]"));
	assert_non_null(strstr(fake_out, "IP PORT"));
	assert_non_null(strstr(fake_out, "open a connection"));
	assert_int_equal(count_of(fake_out, "\r\n  "), 3);
	out_clear();
	type("help me\r");
	assert_non_null(strstr(fake_out, "usage: help\r\n"));
}

static void test_first_registration_wins(void **state)
{
	(void)state;
	static const struct console_cmd dup[] = {
		{ "rec", "", "shadowed", NULL },
	};
	assert_int_equal(console_register(dup, 1), 0);
	type("rec 1\r");
	assert_int_equal(rec_calls, 1);
}

static void test_groups_bounded(void **state)
{
	(void)state;
	static const struct console_cmd one[] = {
		{ "one", "", "", cmd_rec },
	};
	/* setup() used one group. */
	for (int i = 1; i < CONSOLE_GROUPS_MAX; i++)
		assert_int_equal(console_register(one, 1), 0);
	out_clear();
	assert_int_equal(console_register(one, 1), -1);
	assert_int_equal(console_get_stats()->register_full, 1);
	assert_non_null(strstr(fake_out, "error: console: no room"));
}

static unsigned printer_calls[CONSOLE_STATS_MAX + 1];
static unsigned printer_seq;

static void printer_a(void)
{
	printer_calls[0] = ++printer_seq;
	console_printf("a: x=1\n");
}

static void printer_b(void)
{
	printer_calls[1] = ++printer_seq;
	console_printf("b: y=2\n");
}

static void test_stats_printers_in_order_and_bounded(void **state)
{
	(void)state;
	printer_seq = 0;
	memset(printer_calls, 0, sizeof printer_calls);
	assert_int_equal(console_register_stats(printer_a), 0);
	assert_int_equal(console_register_stats(printer_b), 0);
	for (int i = 2; i < CONSOLE_STATS_MAX; i++)
		assert_int_equal(console_register_stats(printer_a), 0);
	assert_int_equal(console_register_stats(printer_b), -1);
	out_clear();
	console_print_stats();
	assert_true(strncmp(fake_out, "console: lines=0 ", 17) == 0);
	assert_int_equal(printer_calls[1], 2);
	assert_int_equal(printer_seq, CONSOLE_STATS_MAX);
	assert_non_null(strstr(fake_out, "\r\nb: y=2\r\n"));
	assert_non_null(strstr(fake_out, "register_full=1"));
	assert_non_null(strstr(fake_out, "tx_dropped=42\r\n"));
}

static void test_printf_crlf_and_truncation(void **state)
{
	(void)state;
	char big[CONSOLE_OUT_MAX * 2];

	console_printf("a\nb %d\n", 42);
	assert_string_equal(fake_out, "a\r\nb 42\r\n");
	out_clear();
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	console_printf("%s", big);
	assert_int_equal(fake_out_len, CONSOLE_OUT_MAX - 1);
	assert_int_equal(console_get_stats()->out_truncated, 1);
}

/* ---------------------------------------------------------------- cmd_net */

static struct netif test_nif;

static err_t test_linkoutput(struct netif *nif, struct pbuf *p)
{
	(void)nif;
	(void)p;
	return ERR_OK;
}

static err_t test_nif_init(struct netif *nif)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, mac, 6);
	nif->mtu = 1500;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
	nif->linkoutput = test_linkoutput;
	return ERR_OK;
}

static int net_group_setup(void **state)
{
	ip4_addr_t ip, mask, gw;

	(void)state;
	lwip_init();
	IP4_ADDR(&ip, 192, 0, 2, 2);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 192, 0, 2, 1);
	assert_non_null(netif_add(&test_nif, &ip, &mask, &gw, NULL, test_nif_init,
	    ethernet_input));
	netif_set_up(&test_nif);
	netif_set_link_up(&test_nif);
	return 0;
}

static int net_setup(void **state)
{
	setup(state);
	cmd_net_register();
	return 0;
}

static void test_ifconfig(void **state)
{
	(void)state;
	char want[160];

	/* lwIP numbers interfaces in the order they are added (lo0 first). */
	snprintf(want, sizeof want, "\r\nen%u: addr=192.0.2.2 netmask=255.255.255.0 "
	    "gw=192.0.2.1 mac=52:54:00:12:34:56 link=up up=yes mtu=1500\r\n",
	    (unsigned)test_nif.num);
	type("ifconfig\r");
	assert_non_null(strstr(fake_out, want));
	assert_non_null(strstr(fake_out, "lo0: addr=127.0.0.1 "));
	out_clear();
	type("ifconfig en0\r");
	assert_non_null(strstr(fake_out, "usage: ifconfig\r\n"));
}

#if LWIP_IPV6
/* The IPv6 addresses follow their interface's line, one record each, in
 * sections of their own (the interface's keys stay as they were); the
 * state is lwIP's (RFC 4862: tentative until DAD is over, then preferred),
 * the text RFC 5952's lowercase. */
static void test_ifconfig_ip6(void **state)
{
	(void)state;
	ip6_addr_t a;
	s8_t idx;
	char want[320];

	netif_create_ip6_linklocal_address(&test_nif, 1);
	assert_true(ip6addr_aton("2001:db8::2", &a));
	assert_int_equal(netif_add_ip6_address(&test_nif, &a, &idx), ERR_OK);
	type("ifconfig\r");
	snprintf(want, sizeof want, "\r\nen%u: addr=192.0.2.2 netmask=255.255.255.0 "
	    "gw=192.0.2.1 mac=52:54:00:12:34:56 link=up up=yes mtu=1500\r\n"
	    "en%u.ip6.0: addr=fe80::5054:ff:fe12:3456 scope=link state=tentative "
	    "valid_s=forever pref_s=forever\r\n"
	    "en%u.ip6.%d: addr=2001:db8::2 scope=global state=tentative ",
	    (unsigned)test_nif.num, (unsigned)test_nif.num, (unsigned)test_nif.num, idx);
	if (strstr(fake_out, want) == NULL)
		fail_msg("'%s' missing from:\n%s", want, fake_out);
	out_clear();
	netif_ip6_addr_set_state(&test_nif, idx, IP6_ADDR_PREFERRED);
	type("ifconfig\r");
	snprintf(want, sizeof want, "\r\nen%u.ip6.%d: addr=2001:db8::2 scope=global "
	    "state=preferred valid_s=forever pref_s=forever\r\n", (unsigned)test_nif.num, idx);
	if (strstr(fake_out, want) == NULL)
		fail_msg("'%s' missing from:\n%s", want, fake_out);
	netif_ip6_addr_set_state(&test_nif, idx, IP6_ADDR_INVALID);
	netif_ip6_addr_set_state(&test_nif, 0, IP6_ADDR_INVALID);
}
#endif

static void test_stats_sections(void **state)
{
	(void)state;
	printer_seq = 0;
	assert_int_equal(console_register_stats(printer_a), 0);
	lwip_stats.icmp.recv = 3;
	type("stats\r");
	static const char *const want[] = {
		"\r\nuptime_ms=1234\r\n", "\r\nmac: rx_frames=7 ", " tx_frames=5 ",
		"\r\nlink: xmit=", "\r\netharp: xmit=", "\r\nip: xmit=",
		"\r\nicmp: xmit=0 recv=3 ", "\r\nheap: avail=",
		"\r\nmemp.PBUF_POOL: avail=24 ", "\r\nmemp.RAW_PCB: avail=",
		"\r\nconsole: lines=1 ", "\r\na: x=1\r\n" CONSOLE_PROMPT,
		"\r\nmac: rx_missed=3\r\n",
#if LWIP_IPV6
		"\r\nicmp: xmit=0 recv=3 ", "\r\nip6: xmit=", "\r\nicmp6: xmit=",
		"\r\nnd6: xmit=", "\r\nmld6: xmit=", " tx_report=",
#endif
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(fake_out, want[i]) == NULL)
			fail_msg("'%s' missing from:\n%s", want[i], fake_out);
	assert_int_equal(printer_seq, 1);
}

/* `eth`: the driver's own lines first, then its counters as `stats`
 * shows them; a driver without diag() says so; no MAC: `eth: none`. */
static void test_eth(void **state)
{
	(void)state;
	type("eth\r");
	static const char *const want[] = {
		"\r\neth: driver=fake state=running\r\neth.phy: id=0x0007:0xc131\r\nmac: rx_frames=7 ",
		"\r\nmac: rx_missed=3\r\n" CONSOLE_PROMPT,
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(fake_out, want[i]) == NULL)
			fail_msg("'%s' missing from:\n%s", want[i], fake_out);
	out_clear();
	fake_board_mac = &fake_mac_no_diag;
	type("eth\r");
	assert_non_null(strstr(fake_out, "\r\neth: diag=none\r\nmac: rx_frames=7 "));
	out_clear();
	fake_board_mac = NULL;
	type("eth\r");
	assert_non_null(strstr(fake_out, "\r\neth: none\r\n" CONSOLE_PROMPT));
	fake_board_mac = &fake_mac;
	out_clear();
	type("eth now\r");
	assert_non_null(strstr(fake_out, "usage: eth\r\n"));
}

static void test_reboot(void **state)
{
	(void)state;
	fake_reboots = 0;
	if (setjmp(fake_reboot_jmp) == 0)
		type("reboot\r");
	assert_int_equal(fake_reboots, 1);
	assert_non_null(strstr(fake_out, "rebooting\r\n"));
}

/* The commands that take an address (connect, mqtt connect, iperf) take
 * it whole: lwIP's ipaddr_aton() accepts "2001:db8::zz" as 2001:db8::. */
static void test_ip_parse_takes_whole_addresses(void **state)
{
	ip_addr_t a;

	(void)state;
	assert_true(fw_ip_parse("192.0.2.1", &a));
	assert_true(IP_IS_V4(&a));
	assert_false(fw_ip_parse("192.0.2.x", &a));
	assert_false(fw_ip_parse("", &a));
	assert_false(fw_ip_parse("192.0.2.1 ", &a));
#if LWIP_IPV6
	assert_true(fw_ip_parse("2001:db8::1", &a));
	assert_true(IP_IS_V6(&a));
	assert_true(ipaddr_aton("2001:db8::zz", &a));   /* what lwIP alone takes */
	assert_false(fw_ip_parse("2001:db8::zz", &a));
	assert_false(fw_ip_parse("fe80::1%en0", &a));
	assert_false(fw_ip_parse("[2001:db8::1]", &a));
#endif
}

/* RFC 5952 4.3: IPv6 text in lowercase; lwIP writes A-F. */
static void test_ip_ntoa_lowercase(void **state)
{
	ip_addr_t a;
	char buf[IPADDR_STRLEN_MAX];

	(void)state;
	assert_true(ipaddr_aton("192.0.2.1", &a));
	assert_string_equal(fw_ip_ntoa(&a, buf, sizeof buf), "192.0.2.1");
#if LWIP_IPV6
	assert_true(ipaddr_aton("2001:DB8::ABCD", &a));
	assert_string_equal(fw_ip_ntoa(&a, buf, sizeof buf), "2001:db8::abcd");
	assert_null(fw_ip_ntoa(&a, buf, 4));
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dispatch_words, setup),
		cmocka_unit_test_setup(test_cr_lf_crlf_each_end_one_line, setup),
		cmocka_unit_test_setup(test_backspace_and_del, setup),
		cmocka_unit_test_setup(test_backspace_on_empty_line_does_nothing, setup),
		cmocka_unit_test_setup(test_ctrl_u_kills_line, setup),
		cmocka_unit_test_setup(test_ctrl_c_abandons_line, setup),
		cmocka_unit_test_setup(test_control_bytes_ignored, setup),
		cmocka_unit_test_setup(test_escape_sequences_ignored, setup),
		cmocka_unit_test_setup(test_poll_drains_without_blocking, setup),
		cmocka_unit_test_setup(test_overlong_line_reported_and_dropped, setup),
		cmocka_unit_test_setup(test_longest_line_accepted, setup),
		cmocka_unit_test_setup(test_ctrl_u_after_overflow_recovers, setup),
		cmocka_unit_test_setup(test_unknown_command, setup),
		cmocka_unit_test_setup(test_nonzero_return_prints_usage, setup),
		cmocka_unit_test_setup(test_too_many_words_prints_usage, setup),
		cmocka_unit_test_setup(test_empty_and_blank_lines, setup),
		cmocka_unit_test_setup(test_help_lists_every_command, setup),
		cmocka_unit_test_setup(test_first_registration_wins, setup),
		cmocka_unit_test_setup(test_groups_bounded, setup),
		cmocka_unit_test_setup(test_stats_printers_in_order_and_bounded, setup),
		cmocka_unit_test_setup(test_printf_crlf_and_truncation, setup),
		cmocka_unit_test_setup(test_ifconfig, net_setup),
#if LWIP_IPV6
		cmocka_unit_test_setup(test_ifconfig_ip6, net_setup),
#endif
		cmocka_unit_test_setup(test_stats_sections, net_setup),
		cmocka_unit_test_setup(test_eth, net_setup),
		cmocka_unit_test_setup(test_reboot, net_setup),
		cmocka_unit_test(test_ip_parse_takes_whole_addresses),
		cmocka_unit_test(test_ip_ntoa_lowercase),
	};
	/* One group, so the runner's summary line counts every test. */
	return cmocka_run_group_tests_name("console", tests, net_group_setup, NULL);
}
