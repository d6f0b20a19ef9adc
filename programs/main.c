/*
 * main.c — the ccsig command: dispatches to one file per subcommand.
 *
 * Built twice (programs/CMakeLists.txt): ccsig-all with every subcommand,
 * and ccsig (CCSIG_FRONT) without the network ones, whose libraries take
 * several times longer to load than the rest. ccsig runs what it has and
 * replaces itself with ccsig-all for everything else: the network
 * subcommands, help, completion and unknown words, so that every answer
 * comes from the one full table.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

#ifdef CCSIG_FRONT
/* Replace this process with ccsig-all, same arguments: installed at
 * CCSIG_ALL_REL from this program's directory (libexec/ccsig/), in the build
 * tree next to it. Returns only when it cannot (EXIT_INTERNAL, said why). */
static int run_all(char **argv) {
    char self[PATH_MAX], path[PATH_MAX + sizeof CCSIG_ALL_REL + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "ccsig: cannot find its own program (/proc/self/exe): %s\n",
                strerror(errno));
        return EXIT_INTERNAL;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    static const char *const where[] = {CCSIG_ALL_REL, "ccsig-all"};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", self, where[i]);
        if (access(path, X_OK) == 0) {
            execv(path, argv);
            fprintf(stderr, "ccsig: cannot run %s: %s\n", path, strerror(errno));
            return EXIT_INTERNAL;
        }
    }
    snprintf(path, sizeof path, "%s/%s", self, CCSIG_ALL_REL);
    fprintf(stderr, "ccsig: '%s' is run by %s, which is missing: the installation is incomplete\n",
            argv[1] ? argv[1] : "ccsig", path);
    return EXIT_INTERNAL;
}
#endif

int main(int argc, char **argv) {
#ifdef CCSIG_FRONT
    if (argc < 2 || !(find(argv[1]) || !strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
                      !strcmp(argv[1], "version")))
        return run_all(argv);
#endif
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
