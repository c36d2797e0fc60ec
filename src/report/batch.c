/*
 * batch.c - --batch: one JSON object per step (docs/headless.md).
 */
#include <stdlib.h>
#include <string.h>

#include "divaviz/report.h"

static const char *const op_names[] = {
	[OP_ALLOC] = "alloc", [OP_FREE] = "free", [OP_REALLOC] = "realloc", [OP_COMPACT] = "compact",
};

static void json_addr(FILE *out, uint64_t addr)
{
	if (addr == HEAP_NO_ADDR)
		fputs("null", out);
	else
		fprintf(out, "%llu", (unsigned long long)addr);
}

static void json_list(FILE *out, const heap *h, unsigned list)
{
	struct heap_range r;
	size_t cursor = 0;
	putc('[', out);
	for (int n = 0; heap_list_next(h, list, &cursor, &r); n++)
		fprintf(out, "%s[%llu,%llu]", n ? "," : "", (unsigned long long)r.addr,
			(unsigned long long)r.size);
	putc(']', out);
}

void report_batch_line(FILE *out, const heap *h, const struct trace *t)
{
	const struct heap_record *r = heap_last(h);
	const struct heap_config *c = heap_config_of(h);
	unsigned long i = r->step - 1;
	bool has_id = r->op.kind != OP_COMPACT, has_size = r->op.kind == OP_ALLOC || r->op.kind == OP_REALLOC;
	struct heap_metrics m;
	heap_metrics(h, &m);

	fprintf(out, "{\"step\":%lu,\"policy\":\"%s\",\"op\":\"%s\",\"id\":", r->step,
		heap_policy_name(c->policy), op_names[r->op.kind]);
	if (has_id)
		json_string(out, t->ids[r->op.id]);
	else
		fputs("null", out);
	fputs(",\"size\":", out);
	if (has_size)
		fprintf(out, "%llu", (unsigned long long)r->op.size);
	else
		fputs("null", out);
	fprintf(out, ",\"ok\":%s,\"addr\":", r->ok ? "true" : "false");
	json_addr(out, has_id ? heap_addr_of(h, r->op.id) : HEAP_NO_ADDR);
	fprintf(out, ",\"searched\":%lu,\"free\":", r->searched);
	json_list(out, h, 0);
	if (c->policy == POLICY_SEGREGATED) {
		fputs(",\"classes\":{", out);
		for (unsigned l = 1; l < heap_lists(h); l++) {
			fprintf(out, "%s\"%llu\":", l > 1 ? "," : "", (unsigned long long)heap_list_class(h, l));
			json_list(out, h, l);
		}
		putc('}', out);
	}
	fprintf(out, ",\"live\":%llu,\"free_bytes\":%llu,\"largest_free\":%llu,\"frag\":",
		(unsigned long long)m.live, (unsigned long long)m.free_bytes,
		(unsigned long long)m.largest_free);
	json_double(out, m.frag);
	fputs(",\"rover\":", out);
	json_addr(out, heap_rover(h));
	fputs(",\"bump\":", out);
	json_addr(out, heap_bump(h));
	fputs(",\"note\":", out);
	if (t->notes && t->notes[i])
		json_string(out, t->notes[i]);
	else
		fputs("null", out);
	fputs("}\n", out);
}

int report_batch(FILE *out, const struct trace *t, const struct heap_config *configs,
	unsigned n, char *err, size_t errlen)
{
	heap **heaps = calloc(n, sizeof *heaps);
	int status = heaps ? 0 : -1;
	if (!heaps)
		snprintf(err, errlen, "out of memory");
	for (unsigned k = 0; status == 0 && k < n; k++)
		if (!(heaps[k] = heap_new(&configs[k], t->nids))) {
			snprintf(err, errlen, "out of memory");
			status = -1;
		}
	for (unsigned long i = 0; status == 0 && i < t->nops; i++)
		for (unsigned k = 0; status == 0 && k < n; k++) {
			if (heap_step(heaps[k], &t->ops[i]) < 0) {
				snprintf(err, errlen, "%s: %s", heap_policy_name(configs[k].policy),
					heap_error(heaps[k]));
				status = -1;
			} else {
				report_batch_line(out, heaps[k], t);
			}
		}
	for (unsigned k = 0; heaps && k < n; k++)
		heap_free(heaps[k]);
	free(heaps);
	return status;
}
