/*
 * The firmware's network services, on the TCP engine's application API
 * (tcp/tcp.h): echo (RFC 862, port 7), discard (RFC 863, port 9), daytime
 * (RFC 867, port 13), and a client driven from the console so that tests
 * can make finwait the active opener and active closer.
 *
 * Console commands (svc_client.c):
 *   connect IP PORT     active open; prints `conn ID` (the SYN is out)
 *   send ID TEXT...     the words joined by single spaces, no line end
 *   shutdown ID         close the write side (FIN), keep receiving
 *   close ID            full close (FIN, or RST with unread data); the
 *                       ID is free at once, the engine finishes alone
 *   abort ID            RST, TCB freed at once
 *   conns               one `client.ID: ...` record per client connection
 * Asynchronous lines, stable because the end-to-end tests parse them:
 *   connected ID                      the active open completed
 *   recv ID LEN TEXT                  data (non-printable bytes as '.',
 *                                     at most FW_SVC_PRINT_MAX shown)
 *   eof ID                            the peer's FIN
 *   closed ID                         the connection ended normally
 *                                     (TIME_WAIT or CLOSED after shutdown)
 *   err ID refused|rst|abort          it ended otherwise
 *
 * `stats` gains the sections `echo:`, `discard:`, `daytime:` and `client:`.
 */
#ifndef SERVICES_H
#define SERVICES_H

/** Listen on ports 7, 9 and 13 and register the client's console commands
 *  and the services' `stats` sections. Call after fw_tcp_init(), before
 *  console_init(). A listener that cannot be created is reported on the
 *  console (no free TCB) and the others still start. */
void services_init(void);

#endif
