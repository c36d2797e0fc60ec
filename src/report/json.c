/*
 * json.c - the little JSON the headless modes write.
 */
#include <stdlib.h>

#include "divaviz/report.h"

void json_string(FILE *out, const char *s)
{
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
		}
	}
	putc('"', out);
}

void json_double(FILE *out, double d)
{
	char buf[32];
	if (d == 0) {
		fputs("0", out);
		return;
	}
	for (int digits = 1; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	fputs(buf, out);
}
