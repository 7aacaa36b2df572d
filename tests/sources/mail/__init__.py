"""Tests of the mail readers: the header scanner, mbox, Maildir, message files, IMAP."""
