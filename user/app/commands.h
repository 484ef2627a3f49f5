/* Subcommand entry points: each owns its options; returns the exit code. */
#ifndef IOPAT_COMMANDS_H
#define IOPAT_COMMANDS_H

int do_stat(int argc, char **argv);
int do_top(int argc, char **argv);
int do_record(int argc, char **argv);
int do_export(int argc, char **argv);
int do_report(int argc, char **argv);
int do_serve(int argc, char **argv);

#endif
