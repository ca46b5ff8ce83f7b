/*
 * width.h - text measured and cut in terminal display columns, never inside a character.
 *
 * A byte count is not a width: "é" is two bytes and one column, "名" three bytes and two
 * columns, a combining accent two bytes and no column. Whatever smig fits to a width (the
 * progress line, padded text columns, wrapped report lines) is measured here with wcwidth(3)
 * and cut only between characters, so a cut never leaves half a UTF-8 sequence behind.
 *
 * The strings are UTF-8. As smig prints them, a C0 control or DEL takes 4 columns (\xNN), and
 * a byte that does not start a valid sequence takes 1 (one '?' for the sequence it begins; a
 * stray continuation byte alone takes none). A code point wcwidth calls unprintable takes 1.
 */
#ifndef SMIG_WIDTH_H
#define SMIG_WIDTH_H

#include <stddef.h>

/* Display columns of the first n bytes of s. */
size_t smig_width_cols(const char *s, size_t n);
/* Bytes of the longest start of s[0..n) that whole characters fill in at most `cols` columns
 * (zero-width marks after the last character that fits stay with it). */
size_t smig_width_head(const char *s, size_t n, size_t cols);
/* Offset of the longest end of s[0..n) that whole characters fill in at most `cols` columns;
 * the end never starts with a zero-width mark cut from its character. */
size_t smig_width_tail(const char *s, size_t n, size_t cols);
/* n, or less so that s[0..result) does not end inside a UTF-8 sequence: where a byte buffer
 * cut text (snprintf into a fixed array), the broken last character is dropped. */
size_t smig_width_boundary(const char *s, size_t n);

#endif
