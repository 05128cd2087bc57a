/* The fuzz target's entry point (libFuzzer's name), shared by the replay suite. */
#ifndef FUZZ_TCP_H
#define FUZZ_TCP_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
