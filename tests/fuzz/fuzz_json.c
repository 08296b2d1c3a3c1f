/* The JSON reader, with a small depth limit so deep nesting is exercised. */
#include "sim/json_parse.h"
#include "tests/fuzz/fuzz.h"

static size_t walk(const struct json_value *v)
{
    size_t n = 1;
    if (v->type == JSON_ARRAY)
        for (size_t i = 0; i < v->array.count; i++)
            n += walk(&v->array.items[i]);
    else if (v->type == JSON_OBJECT)
        for (size_t i = 0; i < v->object.count; i++)
            n += walk(&v->object.members[i].value);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msa_error err = {0};
    struct json_parse_limits lim = {.max_depth = 32, .max_alloc_bytes = (size_t)16 << 20};
    struct json_doc *doc = json_parse((const char *)data, size, "fuzz.json", &lim, &err);
    if (!doc)
        return 0;
    const struct json_value *root = json_doc_root(doc);
    walk(root);
    json_get(root, "stats");
    json_doc_free(doc);
    return 0;
}
