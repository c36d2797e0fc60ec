/*
 * cmd_record.h - `divaviz record -o FILE -- COMMAND [ARGS...]` (docs/recording.md).
 */
#ifndef DIVAVIZ_CMD_RECORD_H
#define DIVAVIZ_CMD_RECORD_H

/* argv[0] is "record". Runs COMMAND with libdivarec.so preloaded, waits for it and
 * every process it leaves behind, and writes their traces. Returns the exit status
 * (COMMAND's own when all went well; never exits). */
int record_main(int argc, char **argv);

#endif
