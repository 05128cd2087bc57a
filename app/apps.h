/* lwIP's applications in the firmware (apps.c). */
#ifndef APPS_H
#define APPS_H

/** Start them: httpd on port 80. After fw_tcp_init() and services_init(). */
void apps_init(void);

#endif
