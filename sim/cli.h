/* The subcommands of the msasim binary.  Each takes the words after its
 * name and returns the process exit status documented in the README. */
#ifndef MSASIM_SIM_CLI_H
#define MSASIM_SIM_CLI_H

enum msa_exit {
    MSA_EXIT_OK = 0,          /* success */
    MSA_EXIT_SIM_FAILED = 1,  /* the simulated system failed: fault loop, resources exhausted, limit hit */
    MSA_EXIT_USAGE = 2,       /* bad usage or bad input */
};

int cmd_platform(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Prints "msasim: MESSAGE" on stderr; used for every error line. */
void cli_error(const char *msg);

#endif
