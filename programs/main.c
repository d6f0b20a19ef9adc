/*
 * main.c — the ccsig command: dispatches to one file per subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "ccsig/common.h"
#include "cli.h"
#include "commands.h"

#define CCSIG_CMD(n, name) {name, cmd_##n, cmd_##n##_summary, &cmd_##n##_cli},
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
        fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ccsig SUBCOMMAND --help' or 'ccsig help SUBCOMMAND' for one subcommand;\n"
               "man ccsig-SUBCOMMAND (docs/) for everything.\n");
}

static const ccsig_command *find(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* "ccsig: unknown command 'scna'; did you mean 'scan'?" (exit 2). */
static int unknown(const char *what, const char *word) {
    const char *names[NCOMMANDS + 3];
    size_t n = 0;
    const char *w = word;
    if (!strcmp(what, "option")) {
        names[n++] = "help";
        names[n++] = "version";
        w = word + strspn(word, "-");
    } else {
        for (size_t i = 0; i < NCOMMANDS; i++)
            names[n++] = commands[i].name;
        names[n++] = "help";
    }
    const char *best = cli_suggest(w, names, n);
    if (best)
        fprintf(stderr, "ccsig: unknown %s '%s'; did you mean '%s%s'?\n", what, word,
                w != word ? "--" : "", best);
    else
        fprintf(stderr, "ccsig: unknown %s '%s'\n", what, word);
    fprintf(stderr, "Try 'ccsig --help'.\n");
    return EXIT_USAGE;
}

/* `ccsig completion bash|zsh` (not in the usage: for packagers). */
static int completion(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "ccsig: usage: ccsig completion bash|zsh\n");
        return EXIT_USAGE;
    }
    const char *names[NCOMMANDS], *summaries[NCOMMANDS];
    const cli_spec *specs[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++) {
        names[i] = commands[i].name;
        summaries[i] = commands[i].summary;
        specs[i] = commands[i].spec;
    }
    if (!cli_completion(stdout, argv[2], NCOMMANDS, names, summaries, specs)) {
        static const char *const shells[] = {"bash", "zsh"};
        const char *best = cli_suggest(argv[2], shells, 2);
        fprintf(stderr, "ccsig: unknown shell '%s'%s%s%s (expected bash or zsh)\n", argv[2],
                best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *a = argv[1];
    if (!strcmp(a, "--version") || !strcmp(a, "-V") || !strcmp(a, "version")) {
        cli_version();
        return EXIT_OK;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(a, "--completion") || !strcmp(a, "completion"))
        return completion(argc, argv);
    if (!strcmp(a, "help")) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        const ccsig_command *c = find(argv[2]);
        if (!c)
            return unknown("command", argv[2]);
        cli_help(stdout, c->spec);
        return EXIT_OK;
    }
    if (a[0] == '-')
        return unknown("option", a);
    const ccsig_command *c = find(a);
    if (!c)
        return unknown("command", a);
    return c->run(argc - 1, argv + 1);
}
