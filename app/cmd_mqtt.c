/*
 * lwIP's MQTT client (lwIP's mqtt.c, unchanged) driven from the console:
 *
 *   mqtt connect IP [PORT]   connect (client id "finwait", keep-alive
 *                            FW_MQTT_KEEPALIVE_S); prints `mqtt connected`
 *                            or `mqtt disconnected STATUS`
 *   mqtt sub TOPIC           subscribe (QoS 0); prints `mqtt sub ok|err`
 *   mqtt pub TOPIC TEXT...   publish the words, joined by spaces (QoS 0)
 *   mqtt close               disconnect
 *
 * A message that arrives prints as `mqtt msg TOPIC TEXT` (topic and text
 * cut to FW_MQTT_TOPIC_MAX and FW_MQTT_TEXT_MAX bytes, `truncated=1` then).
 * One client, taken from lwIP's heap (mqtt_client_new()) at the first
 * `mqtt connect` and kept, with the buffer for the message being received:
 * about 800 bytes, which boards that never use MQTT do not set aside.
 */
#include "cmd_mqtt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "console.h"
#include "fw_ip.h"

#include "lwip/apps/mqtt.h"
#include "lwip/ip_addr.h"
#include "lwip/mem.h"

#define MQTT_CMD_PORT 1883u   /* IANA "mqtt" */

/* The message being received, taken from the heap with the client. */
struct mqtt_cmd_msg {
	char topic[FW_MQTT_TOPIC_MAX + 1];
	char text[FW_MQTT_TEXT_MAX + 1];
	size_t text_len;
	bool truncated;
};

static mqtt_client_t *mqtt_cmd_client;
static struct mqtt_cmd_msg *mqtt_cmd_msg;

static void mqtt_cmd_conn_cb(mqtt_client_t *client, void *arg, mqtt_connection_status_t status)
{
	(void)client;
	(void)arg;
	if (status == MQTT_CONNECT_ACCEPTED)
		console_printf("mqtt connected\n");
	else
		console_printf("mqtt disconnected %d\n", (int)status);
}

static void mqtt_cmd_publish_cb(void *arg, const char *topic, u32_t tot_len)
{
	struct mqtt_cmd_msg *m = arg;
	size_t n = strlen(topic);

	(void)tot_len;
	m->truncated = n > FW_MQTT_TOPIC_MAX;
	if (n > FW_MQTT_TOPIC_MAX)
		n = FW_MQTT_TOPIC_MAX;
	memcpy(m->topic, topic, n);
	m->topic[n] = '\0';
	m->text_len = 0;
}

static void mqtt_cmd_data_cb(void *arg, const u8_t *data, u16_t len, u8_t flags)
{
	struct mqtt_cmd_msg *m = arg;
	size_t room = FW_MQTT_TEXT_MAX - m->text_len;
	size_t n = len < room ? len : room;

	if (len > room)
		m->truncated = true;
	memcpy(m->text + m->text_len, data, n);
	m->text_len += n;
	if (!(flags & MQTT_DATA_FLAG_LAST))
		return;
	m->text[m->text_len] = '\0';
	console_printf("mqtt msg %s %s%s\n", m->topic, m->text, m->truncated ? " truncated=1" : "");
}

static void mqtt_cmd_sub_cb(void *arg, err_t err)
{
	(void)arg;
	console_printf("mqtt sub %s\n", err == ERR_OK ? "ok" : "err");
}

static int mqtt_cmd_connect(int argc, char **argv)
{
	struct mqtt_connect_client_info_t ci;
	ip_addr_t addr;
	unsigned long port = MQTT_CMD_PORT;
	char *end;
	err_t err;

	if (argc < 3 || argc > 4 || !fw_ip_parse(argv[2], &addr))
		return 1;
	if (argc == 4) {
		port = strtoul(argv[3], &end, 10);
		if (*end != '\0' || port == 0 || port > 0xffffu)
			return 1;
	}
	if (!mqtt_cmd_msg)
		mqtt_cmd_msg = mem_malloc(sizeof *mqtt_cmd_msg);
	if (mqtt_cmd_msg && !mqtt_cmd_client)
		mqtt_cmd_client = mqtt_client_new();
	if (!mqtt_cmd_client) {
		console_printf("error: mqtt: no memory for the client\n");
		return 0;
	}
	if (mqtt_client_is_connected(mqtt_cmd_client)) {
		console_printf("error: mqtt: already connected (mqtt close first)\n");
		return 0;
	}
	memset(&ci, 0, sizeof ci);
	ci.client_id = "finwait";
	ci.keep_alive = FW_MQTT_KEEPALIVE_S;
	err = mqtt_client_connect(mqtt_cmd_client, &addr, (u16_t)port, mqtt_cmd_conn_cb, NULL, &ci);
	if (err != ERR_OK) {
		console_printf("error: mqtt: connect: %s\n", lwip_strerr(err));
		return 0;
	}
	/* after the connect: mqtt_client_connect() wipes the client */
	mqtt_set_inpub_callback(mqtt_cmd_client, mqtt_cmd_publish_cb, mqtt_cmd_data_cb, mqtt_cmd_msg);
	return 0;
}

static int mqtt_cmd_pub(int argc, char **argv)
{
	char text[FW_MQTT_TEXT_MAX + 1];
	size_t n = 0;
	err_t err;

	if (argc < 4)
		return 1;
	for (int i = 3; i < argc; i++) {
		int w = snprintf(text + n, sizeof text - n, "%s%s", i > 3 ? " " : "", argv[i]);
		if (w < 0 || (size_t)w >= sizeof text - n) {
			console_printf("error: mqtt: text longer than %u bytes\n", (unsigned)FW_MQTT_TEXT_MAX);
			return 0;
		}
		n += (size_t)w;
	}
	err = mqtt_publish(mqtt_cmd_client, argv[2], text, (u16_t)n, 0, 0, NULL, NULL);
	if (err != ERR_OK)
		console_printf("error: mqtt: pub: %s\n", lwip_strerr(err));
	return 0;
}

static int mqtt_cmd(int argc, char **argv)
{
	err_t err;

	if (argc < 2)
		return 1;
	if (strcmp(argv[1], "connect") == 0)
		return mqtt_cmd_connect(argc, argv);
	if (!mqtt_cmd_client) {
		console_printf("error: mqtt: not connected (mqtt connect first)\n");
		return 0;
	}
	if (strcmp(argv[1], "pub") == 0)
		return mqtt_cmd_pub(argc, argv);
	if (strcmp(argv[1], "sub") == 0 && argc == 3) {
		err = mqtt_subscribe(mqtt_cmd_client, argv[2], 0, mqtt_cmd_sub_cb, NULL);
		if (err != ERR_OK)
			console_printf("error: mqtt: sub: %s\n", lwip_strerr(err));
		return 0;
	}
	if (strcmp(argv[1], "close") == 0 && argc == 2) {
		mqtt_disconnect(mqtt_cmd_client);
		console_printf("mqtt closed\n");
		return 0;
	}
	return 1;
}

static const struct console_cmd mqtt_cmds[] = {
	{ "mqtt", "connect IP [PORT] | sub TOPIC | pub TOPIC TEXT | close",
	  "lwIP's MQTT client: connect to a broker, subscribe, publish, close", mqtt_cmd },
};

void cmd_mqtt_register(void)
{
	console_register(mqtt_cmds, sizeof mqtt_cmds / sizeof mqtt_cmds[0]);
}
