/*
 * lwIP arch glue: compiler and platform bits. Works for arm-none-eabi and
 * for the host unit tests. Assertions end in fw_assert_failed(), which the
 * firmware prints and halts on and the tests turn into a failure.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>
#include <stddef.h>

#define LWIP_NO_STDINT_H    0
#define LWIP_NO_INTTYPES_H  0
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

void fw_assert_failed(const char *msg, const char *file, int line);

#define LWIP_PLATFORM_DIAG(x)   do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) fw_assert_failed((x), __FILE__, __LINE__)

#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_END
#define PACK_STRUCT_FIELD(x) x

#define LWIP_RAND() ((u32_t)fw_rand32())
uint32_t fw_rand32(void);

/* SYS_ARCH_PROTECT state: the saved PRIMASK (port/lwip/sys_arch.c). */
typedef uint32_t sys_prot_t;

#endif
