/* The end of every unit test's main(): run the suite, report as Check
 * does, and exit with 0 when every check passed, 1 otherwise. */
#ifndef MSASIM_TESTS_UNIT_CHECK_RUN_H
#define MSASIM_TESTS_UNIT_CHECK_RUN_H

#include <check.h>

static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
