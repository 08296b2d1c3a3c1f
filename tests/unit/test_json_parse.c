/* Unit tests for the strict JSON reader (sim/json_parse.h). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/json_parse.h"
#include "tests/unit/check_run.h"

static struct json_doc *parse(const char *text, struct msa_error *err)
{
    return json_parse(text, strlen(text), "t.json", NULL, err);
}

/* Parsing must fail, and the message must contain each of the fragments. */
static void expect_error(const char *text, const char *frag1, const char *frag2)
{
    struct msa_error err = {{0}};
    struct json_doc *doc = parse(text, &err);
    ck_assert_msg(doc == NULL, "accepted invalid JSON: %s", text);
    ck_assert_msg(strncmp(err.msg, "t.json: line ", 13) == 0, "message lacks the location: %s",
                  err.msg);
    ck_assert_msg(strstr(err.msg, frag1), "message \"%s\" lacks \"%s\"", err.msg, frag1);
    if (frag2)
        ck_assert_msg(strstr(err.msg, frag2), "message \"%s\" lacks \"%s\"", err.msg, frag2);
}

START_TEST(test_all_value_types)
{
    struct msa_error err = {{0}};
    struct json_doc *doc = parse(" {\"a\": [1, -2, 3.5, true, false, null],\n"
                                 "  \"b\": {\"c\": \"str\"}, \"e\": {}, \"f\": []} ",
                                 &err);
    ck_assert_msg(doc, "%s", err.msg);
    const struct json_value *root = json_doc_root(doc);
    ck_assert_int_eq(root->type, JSON_OBJECT);
    ck_assert_uint_eq(root->object.count, 4);
    ck_assert_str_eq(root->object.members[0].key, "a");
    ck_assert_str_eq(root->object.members[3].key, "f");

    const struct json_value *a = json_get(root, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a->type, JSON_ARRAY);
    ck_assert_uint_eq(a->array.count, 6);
    ck_assert(a->array.items[0].number.fits_uint && a->array.items[0].number.u == 1);
    ck_assert(a->array.items[1].number.fits_int && a->array.items[1].number.i == -2);
    ck_assert(!a->array.items[1].number.fits_uint);
    ck_assert(!a->array.items[2].number.integral);
    ck_assert(a->array.items[2].number.d == 3.5);
    ck_assert(a->array.items[3].type == JSON_BOOL && a->array.items[3].boolean);
    ck_assert(a->array.items[4].type == JSON_BOOL && !a->array.items[4].boolean);
    ck_assert_int_eq(a->array.items[5].type, JSON_NULL);

    const struct json_value *b = json_get(root, "b");
    ck_assert_str_eq(json_get(b, "c")->string.s, "str");
    ck_assert_uint_eq(json_get(root, "e")->object.count, 0);
    ck_assert_uint_eq(json_get(root, "f")->array.count, 0);
    ck_assert_ptr_null(json_get(root, "missing"));
    ck_assert_ptr_null(json_get(a, "a")); /* not an object */

    /* Positions: "b" is on line 2; its value starts at column 8. */
    ck_assert_uint_eq(b->line, 2);
    ck_assert_uint_eq(b->column, 8);
    ck_assert_uint_eq(b->offset, 47);
    json_doc_free(doc);
}
END_TEST

START_TEST(test_string_escapes)
{
    struct msa_error err = {{0}};
    struct json_doc *doc = parse("[\"q\\\"b\\\\s\\/n\\n t\\t\\b\\f\\r\", \"\\u00e9\\u20ac\","
                                 " \"\\ud83d\\ude00\", \"raw \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
                                 &err);
    ck_assert_msg(doc, "%s", err.msg);
    const struct json_value *r = json_doc_root(doc);
    ck_assert_str_eq(r->array.items[0].string.s, "q\"b\\s/n\n t\t\b\f\r");
    ck_assert_str_eq(r->array.items[1].string.s, "\xc3\xa9\xe2\x82\xac");
    ck_assert_uint_eq(r->array.items[1].string.len, 5);
    ck_assert_str_eq(r->array.items[2].string.s, "\xf0\x9f\x98\x80");
    ck_assert_str_eq(r->array.items[3].string.s, "raw \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    json_doc_free(doc);
}
END_TEST

START_TEST(test_numbers)
{
    struct msa_error err = {{0}};
    struct json_doc *doc = parse("[18446744073709551615, -9223372036854775808, "
                                 "18446744073709551616, 9223372036854775808, 1.5e3, -0, 1e-400,"
                                 " 0.1, 1E+2]",
                                 &err);
    ck_assert_msg(doc, "%s", err.msg);
    const struct json_value *it = json_doc_root(doc)->array.items;
    ck_assert(it[0].number.fits_uint && it[0].number.u == UINT64_MAX);
    ck_assert(!it[0].number.fits_int);
    ck_assert(it[1].number.fits_int && it[1].number.i == INT64_MIN);
    /* One past UINT64_MAX: still a valid double, but no integer. */
    ck_assert(it[2].number.integral && !it[2].number.fits_uint && !it[2].number.fits_int);
    ck_assert(it[2].number.d == 18446744073709551616.0);
    ck_assert(it[3].number.fits_uint && !it[3].number.fits_int);
    ck_assert(!it[4].number.integral && it[4].number.d == 1500.0);
    ck_assert(it[5].number.fits_int && it[5].number.i == 0);
    ck_assert(it[6].number.d == 0.0 || fabs(it[6].number.d) < 1e-300);
    ck_assert(it[7].number.d == 0.1);
    ck_assert(!it[8].number.integral && it[8].number.d == 100.0);
    json_doc_free(doc);
}
END_TEST

START_TEST(test_errors_name_the_place)
{
    /* Truncated documents: the error is at the end of the input. */
    expect_error("{\"a\": [1, 2", "(byte 11)", "found end of input");
    expect_error("{\"a\": ", "(byte 6)", "expected a value");
    expect_error("{\"abc", "(byte 5)", "close the string");
    expect_error("", "(byte 0)", "expected a value, found end of input");
    expect_error("[1, 2,", "(byte 6)", "end of input");
    expect_error("tru", "(byte 3)", "expected 'true'");
    /* Bad escapes. */
    expect_error("[\"\\x\"]", "(byte 3)", "after '\\'");
    expect_error("[\"\\u12G4\"]", "(byte 6)", "four hex digits");
    expect_error("[\"\\udc00\"]", "(byte 2)", "low surrogate");
    expect_error("[\"\\ud800x\"]", "(byte 8)", "low surrogate");
    expect_error("[\"\\ud800\\u0041\"]", "(byte 8)", "low surrogate");
    expect_error("[\"\\u0000\"]", "(byte 2)", "\\u0000");
    /* Trailing garbage. */
    expect_error("{} x", "(byte 3)", "end of input after the top-level value, found 'x'");
    expect_error("[1] [2]", "(byte 4)", "end of input");
    /* Grammar. */
    expect_error("[01]", "(byte 1)", "leading zero");
    expect_error("[1,]", "(byte 3)", "expected a value, found ']'");
    expect_error("{\"a\":1,}", "(byte 7)", "string key");
    expect_error("{'a':1}", "(byte 1)", "string key or '}'");
    expect_error("{\"a\" 1}", "(byte 5)", "':'");
    expect_error("[1 2]", "(byte 3)", "',' or ']'");
    expect_error("{\"a\":1 \"b\":2}", "(byte 7)", "',' or '}'");
    expect_error("[-]", "(byte 2)", "digit after '-'");
    expect_error("[1.]", "(byte 3)", "digit after '.'");
    expect_error("[1e+]", "(byte 4)", "exponent");
    expect_error("[NaN]", "(byte 1)", "expected a value, found 'N'");
    expect_error("[\"a\tb\"]", "(byte 3)", "control byte 0x09");
    expect_error("[\"\xc3\x28\"]", "(byte 2)", "UTF-8");
    expect_error("[\"\xed\xa0\x80\"]", "(byte 2)", "UTF-8"); /* encoded surrogate */
    expect_error("[\"\xc0\xaf\"]", "(byte 2)", "UTF-8");     /* overlong */
    expect_error("{\"a\":1,\"b\":2,\"a\":3}", "(byte 17)", "\"a\" twice");
    /* Huge numbers. */
    expect_error("[1e400]", "(byte 1)", "range of a double");
    expect_error("{\"x\": -1e999}", "(byte 6)", "range of a double");
    /* Line and column. */
    expect_error("{\n  \"a\": x\n}", "line 2, column 8 (byte 9)", "found 'x'");
}
END_TEST

START_TEST(test_long_number_refused)
{
    char text[JSON_MAX_NUMBER_CHARS + 8];
    memset(text, '1', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    expect_error(text, "(byte 0)", "at most");
}
END_TEST

START_TEST(test_depth_limit)
{
    enum { N = 10000 };
    char *deep = malloc(2 * N + 1);
    for (int i = 0; i < N; i++) {
        deep[i] = '[';
        deep[2 * N - 1 - i] = ']';
    }
    deep[2 * N] = '\0';
    /* The 65th bracket (offset 64) is one level too many. */
    expect_error(deep, "(byte 64)", "at most 64 levels");

    /* Exactly at the limit is fine. */
    struct msa_error err = {{0}};
    struct json_parse_limits lim = {.max_depth = 4};
    struct json_doc *doc = json_parse("[[[[1]]]]", 9, "d", &lim, &err);
    ck_assert_msg(doc, "%s", err.msg);
    json_doc_free(doc);
    ck_assert_ptr_null(json_parse("[[[[[1]]]]]", 11, "d", &lim, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "at most 4 levels"));
    free(deep);
}
END_TEST

START_TEST(test_size_and_memory_limits)
{
    struct msa_error err = {{0}};
    struct json_parse_limits small_input = {.max_input_bytes = 8};
    ck_assert_ptr_null(json_parse("[1, 2, 3, 4]", 12, "big.json", &small_input, &err));
    ck_assert_msg(strstr(err.msg, "big.json") && strstr(err.msg, "at most 8 bytes"), "%s",
                  err.msg);

    /* 20000 small numbers need far more than 4 KiB of tree. */
    size_t n = 20000;
    char *text = malloc(2 * n + 2);
    text[0] = '[';
    for (size_t i = 0; i < n; i++) {
        text[1 + 2 * i] = '0';
        text[2 + 2 * i] = i + 1 < n ? ',' : ']';
    }
    text[2 * n + 1] = '\0';
    struct json_parse_limits small_mem = {.max_alloc_bytes = 4096};
    ck_assert_ptr_null(json_parse(text, 2 * n + 1, "mem.json", &small_mem, &err));
    ck_assert_msg(strstr(err.msg, "more than 4096 bytes of memory"), "%s", err.msg);
    struct json_doc *doc = json_parse(text, 2 * n + 1, "mem.json", NULL, &err);
    ck_assert_msg(doc, "%s", err.msg);
    ck_assert_uint_eq(json_doc_root(doc)->array.count, n);
    json_doc_free(doc);
    free(text);
}
END_TEST

START_TEST(test_text_need_not_be_terminated)
{
    /* Only the first 5 bytes belong to the document. */
    const char text[] = "[1,2]garbage";
    struct msa_error err = {{0}};
    struct json_doc *doc = json_parse(text, 5, "t", NULL, &err);
    ck_assert_msg(doc, "%s", err.msg);
    json_doc_free(doc);
    /* And a string cut off by the length is truncated, not read past. */
    ck_assert_ptr_null(json_parse("\"abc\"", 4, "t", NULL, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "(byte 4)"));
}
END_TEST

START_TEST(test_parse_file)
{
    struct msa_error err = {{0}};
    ck_assert_ptr_null(json_parse_file("no/such/dir/x.json", NULL, &err));
    ck_assert_msg(strstr(err.msg, "no/such/dir/x.json") && strstr(err.msg, "No such file"),
                  "%s", err.msg);

    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512];
    snprintf(path, sizeof path, "%s/test_json_parse_XXXXXX", tmp);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char body[] = "{\"k\": [true]}\n";
    ck_assert_int_eq(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
    close(fd);
    struct json_doc *doc = json_parse_file(path, NULL, &err);
    ck_assert_msg(doc, "%s", err.msg);
    ck_assert_str_eq(json_doc_name(doc), path);
    ck_assert(json_get(json_doc_root(doc), "k")->array.items[0].boolean);

    /* json_error_at points at a value the same way parse errors do. */
    json_error_at(&err, doc, json_get(json_doc_root(doc), "k"), "k: expected %s", "a number");
    char want[600];
    snprintf(want, sizeof want, "%s: line 1, column 7 (byte 6): k: expected a number", path);
    ck_assert_str_eq(err.msg, want);
    json_doc_free(doc);

    /* A file that is too large is refused before it is read. */
    struct json_parse_limits lim = {.max_input_bytes = 4};
    ck_assert_ptr_null(json_parse_file(path, &lim, &err));
    ck_assert_msg(strstr(err.msg, "at most 4 bytes"), "%s", err.msg);
    unlink(path);
}
END_TEST

static Suite *json_parse_suite(void)
{
    Suite *s = suite_create("json_parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_all_value_types);
    tcase_add_test(tc, test_string_escapes);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_errors_name_the_place);
    tcase_add_test(tc, test_long_number_refused);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_size_and_memory_limits);
    tcase_add_test(tc, test_text_need_not_be_terminated);
    tcase_add_test(tc, test_parse_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(json_parse_suite());
}
