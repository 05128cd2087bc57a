# The application: main loop, console and its commands, services.
APP_SRCS := app/main.c app/console.c app/cmd_net.c app/cmd_tcp.c app/fw_util.c app/fw_ip.c \
	app/services.c app/svc_echo.c app/svc_discard.c app/svc_daytime.c app/svc_client.c \
	app/apps.c app/cmd_mqtt.c app/http_status.c
# The on-target teardown self-test (compiles to nothing unless the board
# defines FW_SELFTEST).
TARGET_TEST_SRCS := tests/target/selftest.c
