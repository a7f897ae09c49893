// SPDX-License-Identifier: MIT
// Aggregate queries on SQLite.
#include "core/err.h"
#include "store/analytics.h"
#include "store/sqlite_int.h"

static const char SQL_GAUGES[] =
    "SELECT (SELECT count(*) FROM rooms), "
    "(SELECT count(*) FROM sessions WHERE state IN ('active', 'paused')), "
    "(SELECT count(*) FROM participants WHERE status IN ('joining', 'connected', "
    "'reconnecting'))";

static int gauges(store *s, struct store_gauges *out)
{
    sqlite3_stmt *st = sq_stmt(s, SQL_GAUGES);
    if (!st)
        return VOX_EIO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->rooms = sqlite3_column_int64(st, 0);
        out->sessions_live = sqlite3_column_int64(st, 1);
        out->participants_present = sqlite3_column_int64(st, 2);
    }
    int err = sq_err(s, rc);
    sqlite3_reset(st);
    return err;
}

const struct store_analytics_ops sqlite_analytics_ops = {
    .gauges = gauges,
};
