/*
 * askpass.c - the passphrase prompt of `smig-export export --ask-passphrase`: asked twice on
 * the controlling terminal with echo off, never taken from the command line. The buffers are
 * wiped before they are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "age.h"
#include "export.h"
#include "i18n.h"

#define LINE_MAX_BYTES (SMIG_AGE_PASSPHRASE_MAX + 2)

/* One line from the terminal into `buf` (LINE_MAX_BYTES + 1), without its line end. */
static int ask(int fd, const char *prompt, char *buf, size_t *len, struct smig_err *e)
{
	size_t n = 0;
	char c;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return smig_err_sys(e, errno, _("cannot write to the terminal"));
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return smig_err_sys(e, errno, _("cannot read the passphrase from the terminal"));
		if (r == 0 || c == '\n' || c == '\r')
			break;
		if (n == LINE_MAX_BYTES)
			return smig_err_set(e, SMIG_ERR_USAGE, _("the passphrase is longer than %d "
					    "bytes"), SMIG_AGE_PASSPHRASE_MAX);
		buf[n++] = c;
	}
	buf[n] = '\0';
	*len = n;
	(void)!write(fd, "\n", 1);
	return 0;
}

int export_ask_passphrase(struct smig_age_keys *k, struct smig_err *e)
{
	struct termios old, quiet;
	char *a = calloc(2, LINE_MAX_BYTES + 1), *b = a ? a + LINE_MAX_BYTES + 1 : NULL;
	size_t la = 0, lb = 0;
	bool restore = false;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY), rc = -1;

	if (a == NULL) {
		smig_err_nomem(e, _("asking for the passphrase"));
		goto out;
	}
	if (fd < 0 || tcgetattr(fd, &old) < 0) {
		smig_err_set(e, SMIG_ERR_USAGE, _("--ask-passphrase needs a terminal; use "
			     "--passphrase-file FILE"));
		goto out;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		smig_err_sys(e, errno, _("cannot turn off the terminal's echo"));
		goto out;
	}
	restore = true;
	if (ask(fd, _("Passphrase for the archive: "), a, &la, e) < 0 ||
	    ask(fd, _("Passphrase again: "), b, &lb, e) < 0)
		goto out;
	if (la != lb || CRYPTO_memcmp(a, b, la) != 0) {
		smig_err_set(e, SMIG_ERR_USAGE, _("the two passphrases differ"));
		goto out;
	}
	rc = smig_age_set_passphrase(k, a, la, e);
out:
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (fd >= 0)
		close(fd);
	if (a) {
		OPENSSL_cleanse(a, 2 * (LINE_MAX_BYTES + 1));
		free(a);
	}
	return rc;
}
