// SPDX-License-Identifier: MIT
// Structured logging to stderr, as text lines or one JSON object per line.
#ifndef VOX_CORE_LOG_H
#define VOX_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_TEXT, LOG_JSON };

// Sets the minimum level and the output format (both process-wide).
void log_setup(enum log_level min, enum log_format fmt);
// Parses "debug", "info", "warn", "error"; 0 or -1.
int log_level_parse(const char *s, enum log_level *out);
// Logs one event: `msg` is a short fixed message; `fields` is NULL or a printf format
// producing space-separated key=value pairs that JSON output turns into members.
void log_write(enum log_level lvl, const char *msg, const char *fields, ...)
    __attribute__((format(printf, 3, 4)));
int log_enabled(enum log_level lvl);

#define log_debug(msg, ...) log_write(LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...)  log_write(LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...)  log_write(LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_write(LOG_ERROR, msg, __VA_ARGS__)

#endif
