/* Placeholder until the engine lands: lets the board and main loop build. */
#include "tcp/tcp.h"

void tcp_init(uint32_t now, const uint8_t key[16]) { (void)now; (void)key; }
void tcp_timers(uint32_t now) { (void)now; }
bool tcp_next_deadline(uint32_t *at) { (void)at; return false; }
