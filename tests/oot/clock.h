#ifndef OOT_CLOCK_H
#define OOT_CLOCK_H
#include <stdint.h>
/* Milliseconds since boot, wrapping: the engine's and lwIP's clock. */
uint32_t oot_now_ms(void);
#endif
