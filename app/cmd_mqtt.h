/* The console's `mqtt` command: lwIP's MQTT client (cmd_mqtt.c). */
#ifndef CMD_MQTT_H
#define CMD_MQTT_H

void cmd_mqtt_register(void);

#endif
