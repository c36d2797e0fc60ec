/*
 * cmd_gen.h - the `divaviz gen` subcommand: its options and exit status
 * (docs/gen.md). main() dispatches to it and exits with what it returns.
 */
#ifndef DIVAVIZ_CMD_GEN_H
#define DIVAVIZ_CMD_GEN_H

/* Runs `divaviz gen` with argv[0] = "gen": writes a random trace to standard
 * output. Returns the exit status: 0, 64 bad options, 70 out of memory, 74 when the
 * output cannot be written. Never exits. */
int cmd_gen(int argc, char **argv);

#endif
