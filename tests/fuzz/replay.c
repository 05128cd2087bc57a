/*
 * The fuzz target as a plain regression test: every file of the committed
 * seed corpus (tests/fuzz/corpus/, plus any crash reproducer saved there)
 * goes through LLVMFuzzerTestOneInput(), which abort()s on an invariant
 * violation. Run from the repository root, as `make unit` does.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fuzz_tcp.h"

#define REPLAY_DIR "tests/fuzz/corpus"
#define REPLAY_MAX 4096u

static void test_replay_corpus(void **state)
{
	static uint8_t buf[REPLAY_MAX];
	char path[512];
	struct dirent *d;
	unsigned files = 0;
	DIR *dir = opendir(REPLAY_DIR);

	(void)state;
	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL) {
		FILE *f;
		size_t n;
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", REPLAY_DIR, d->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		files++;
	}
	closedir(dir);
	/* An empty corpus would make this test pass vacuously. */
	assert_true(files >= 20u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_corpus),
	};
	return cmocka_run_group_tests_name("fuzz_replay", tests, NULL, NULL);
}
