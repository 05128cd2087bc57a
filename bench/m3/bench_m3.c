/*
 * The host benchmark driver (bench/host/bench_main.c, either engine) as a
 * bare-metal image for mps2-an385 in QEMU, so that instructions can be
 * counted on the target's instruction set (bench/tools/m3bench.py traces
 * every instruction QEMU executes and counts those inside
 * bench_rx_measured()). Arguments and output go over Arm semihosting
 * (QEMU -semihosting-config enable=on,arg=...): SYS_GET_CMDLINE, SYS_WRITE0
 * and SYS_EXIT; no UART, timer or interrupt is used, so nothing but the
 * benchmark runs.
 */
#include <stdint.h>
#include <string.h>

#include "cortex_m.h"
#include "lwip/opt.h"
#include "lwip/sys.h"

#define M3_CMDLINE_MAX 256
#define M3_ARGS_MAX    8
#define M3_OUT_CHUNK   128

#define SEMI_SYS_WRITE0       0x04u
#define SEMI_SYS_GET_CMDLINE  0x15u
#define SEMI_SYS_EXIT         0x18u
#define SEMI_APP_EXIT         0x20026u   /* ADP_Stopped_ApplicationExit */

int bench_main(int argc, char **argv);
int main(void);
int _write(int fd, const char *buf, int len);

static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/* newlib's printf ends here (stdout and stderr alike). */
int _write(int fd, const char *buf, int len)
{
	char chunk[M3_OUT_CHUNK + 1];

	(void)fd;
	for (int done = 0; done < len;) {
		int n = len - done < M3_OUT_CHUNK ? len - done : M3_OUT_CHUNK;
		memcpy(chunk, buf + done, (size_t)n);
		chunk[n] = '\0';
		semihost(SEMI_SYS_WRITE0, chunk);
		done += n;
	}
	return len;
}

/* As port/lwip/sys_arch.c does on the firmware: the same PRIMASK save
 * and restore around lwIP's pools (sys_now is the benchmark's clock). */
#if SYS_LIGHTWEIGHT_PROT
sys_prot_t sys_arch_protect(void)
{
	return cm_irq_save();
}

void sys_arch_unprotect(sys_prot_t pval)
{
	cm_irq_restore(pval);
}
#endif

int main(void)
{
	static char cmdline[M3_CMDLINE_MAX];
	struct { char *buf; uint32_t len; } blk = { cmdline, sizeof cmdline - 1 };
	char *argv[M3_ARGS_MAX + 1];
	int argc = 0;

	if (semihost(SEMI_SYS_GET_CMDLINE, &blk) != 0)
		blk.len = 0;
	cmdline[blk.len] = '\0';
	for (char *p = cmdline; *p != '\0' && argc < M3_ARGS_MAX;) {   /* split at spaces */
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	argv[argc] = NULL;
	int rc = bench_main(argc, argv);
	/* SYS_EXIT on 32-bit Arm takes the reason itself; QEMU exits 0 on
	 * ApplicationExit, so a failure is reported in the output instead. */
	if (rc != 0)
		_write(2, "bench_m3: failed\n", 17);
	semihost(SEMI_SYS_EXIT, (const void *)(uintptr_t)SEMI_APP_EXIT);
	for (;;)
		cm_idle();
}
