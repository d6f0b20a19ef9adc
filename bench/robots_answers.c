/*
 * robots_answers.c — ccsig's crawl answers for a list of (robots.txt, agent,
 * URL) cases, for the differential test against Google's parser
 * (bench/robots_diff.py; bench/google_answers.cc is the same program around
 * google/robotstxt, built outside this repository).
 *
 *   robots_answers CASES
 *
 * CASES has one case per line, tab-separated: "F<TAB>PATH" names the
 * robots.txt the following queries ask, "Q<TAB>AGENT<TAB>URL" is a query.
 * For each query one line is printed: 1 when AGENT may crawl URL, else 0,
 * then a tab and the line number of the deciding rule (0 for none).
 * Each robots.txt is compiled once with ccsig_robots_compile (the default
 * reading: Google's groups). Exit status 2 when a file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsig/robots.h"
#include "cli.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: robots_answers CASES\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        fprintf(stderr, "robots_answers: cannot read %s\n", argv[1]);
        return 2;
    }
    ccsig_robots *r = NULL;
    ccsig_robots_answer *ans = ccsig_robots_answer_new();
    ccsig_buf b = CCSIG_BUF_INIT;
    int rc = 0;
    while (ans && cli_getline(in, &b)) {
        char *line = (char *)ccsig_buf_cstr(&b);
        if (line[0] == 'F' && line[1] == '\t') {
            size_t len;
            char *text = cli_read_file(line + 2, 0, &len);
            ccsig_error err;
            ccsig_robots_free(r);
            r = NULL;
            if (!text || ccsig_robots_compile(text, len, line + 2, &r, &err)) {
                fprintf(stderr, "robots_answers: cannot read %s\n", line + 2);
                free(text);
                rc = 2;
                break;
            }
            free(text);
        } else if (line[0] == 'Q' && line[1] == '\t' && r) {
            char *agent = line + 2, *url = strchr(agent, '\t');
            if (!url)
                continue;
            *url++ = '\0';
            ccsig_robots_check(r, agent, strlen(agent), url, strlen(url), ans);
            printf("%d\t%u\n", ans->allowed ? 1 : 0, ans->rule.line);
        }
    }
    ccsig_buf_free(&b);
    fclose(in);
    ccsig_robots_free(r);
    ccsig_robots_answer_free(ans);
    return rc;
}
