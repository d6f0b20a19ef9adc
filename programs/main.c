/*
 * main.c — the ccsig command: dispatches to one file per subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "ccsig/common.h"
#include "cli.h"
#include "commands.h"

#define CCSIG_CMD(n) {#n, cmd_##n, cmd_##n##_summary},
static const ccsig_command commands[] = {
#include "commands.inc"
};
#undef CCSIG_CMD
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f, "usage: ccsig [--version] [--help] SUBCOMMAND [ARGS...]\n\n"
               "AI usage preferences with reciprocity: the CC signals framework on the IETF\n"
               "AI Preferences vocabulary.\n\nSubcommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ccsig SUBCOMMAND --help' or 'ccsig help SUBCOMMAND' for one subcommand;\n"
               "man ccsig-SUBCOMMAND (docs/) for everything.\n");
}

static const ccsig_command *find(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *a = argv[1];
    if (!strcmp(a, "--version") || !strcmp(a, "-V") || !strcmp(a, "version")) {
        printf("ccsig %s\n", ccsig_version());
        return EXIT_OK;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(a, "help")) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        const ccsig_command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "ccsig: unknown subcommand '%s'\n", argv[2]);
            return EXIT_USAGE;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return c->run(2, hargv);
    }
    const ccsig_command *c = find(a);
    if (!c) {
        fprintf(stderr, "ccsig: unknown subcommand '%s'\n\n", a);
        usage(stderr);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
