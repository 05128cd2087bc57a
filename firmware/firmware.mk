# Portable firmware sources, built for every board.
FW_SRCS :=
