/*
 * interrupt.h - stopping cleanly on SIGINT, SIGTERM or SIGHUP. The handler only records the
 * signal; long loops (staging an archive, running the apply journal) check it at safe points
 * and fail with an ordinary error, so the usual cleanup runs: the staging area is removed and
 * journaled changes are undone. The program then re-raises the signal (smig_interrupt_exit)
 * so its caller sees the usual status.
 */
#ifndef SMIG_INTERRUPT_H
#define SMIG_INTERRUPT_H

#include "err.h"

/* Install the handler (without SA_RESTART, so a blocked read returns EINTR). */
void smig_interrupt_catch(void);
/* 0, or -1 with SMIG_ERR_IO "interrupted by signal N" once a signal has arrived. */
int smig_interrupt_check(struct smig_err *e);
/* The signal received, or 0. */
int smig_interrupt_signal(void);
/* If a signal arrived: restore its default action and raise it again (does not return). */
void smig_interrupt_exit(void);

#endif
