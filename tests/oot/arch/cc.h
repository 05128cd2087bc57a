/* lwIP's compiler seam (lwip/arch.h includes it). */
#ifndef OOT_ARCH_CC_H
#define OOT_ARCH_CC_H

#include <stdint.h>
#include <stdlib.h>

#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_PLATFORM_DIAG(x)   do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) abort()
#define LWIP_RAND()             ((u32_t)rand())

#endif
