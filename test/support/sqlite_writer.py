"""Writes SQLite test databases with Python's own sqlite3 (the real SQLite library), for the Node tests.

Reads one JSON request on stdin: {"file", "ops": [{"sql", "params"?}], "keepWal": bool}. Each op is one
statement (or a script of several when it has no params). With keepWal the files are left as a writer
that still holds the database open would leave them: the commits stay in the -wal file, because the
database and -wal bytes are saved before close (closing the last connection checkpoints) and put back.
"""
import json
import os
import sqlite3
import sys


def statements(script):
    """Splits a script into complete statements (sqlite3.complete_statement), keeping quoted ';'."""
    out, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                out.append(buf)
            buf = ""
    if buf.strip(" \t\r\n;"):
        out.append(buf)
    return out


def main():
    req = json.load(sys.stdin)
    path = req["file"]
    con = sqlite3.connect(path, isolation_level=None)  # autocommit: BEGIN/COMMIT come from the ops
    # Per connection: never checkpoint on commit, so every commit stays in the WAL like a live writer's.
    con.execute("PRAGMA wal_autocheckpoint = 0")
    rows = []
    for op in req["ops"]:
        params = op.get("params")
        if params is None:
            for stmt in statements(op["sql"]):
                rows = con.execute(stmt).fetchall()
        else:
            rows = con.execute(op["sql"], params).fetchall()
    wal = path + "-wal"
    keep = req.get("keepWal") and os.path.exists(wal)
    saved = None
    if keep:
        with open(path, "rb") as f:
            main_bytes = f.read()
        with open(wal, "rb") as f:
            saved = (main_bytes, f.read())
    con.close()
    if saved:
        with open(path, "wb") as f:
            f.write(saved[0])
        with open(wal, "wb") as f:
            f.write(saved[1])
        if os.path.exists(path + "-shm"):
            os.remove(path + "-shm")
    json.dump({"rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
