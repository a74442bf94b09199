"""Load an inventory CSV into PostgreSQL and report on it, through psql.

The job container has python3 and the PostgreSQL client but no Python driver,
so every statement goes through `psql`. PGHOST names the service container.
"""

import csv
import os
import subprocess
import sys


def psql(sql, *extra):
    """Runs one SQL text with psql and returns its unaligned output."""
    command = ["psql", "-v", "ON_ERROR_STOP=1", "-tA", "-U", os.environ.get("PGUSER", "postgres"), *extra, "-c", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def load(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    values = ", ".join("(%s, %s, %d)" % (quote(r["sku"]), quote(r["name"]), int(r["quantity"])) for r in rows)
    psql("CREATE TABLE IF NOT EXISTS items (sku text PRIMARY KEY, name text NOT NULL, quantity integer NOT NULL);"
         "INSERT INTO items VALUES %s ON CONFLICT (sku) DO UPDATE SET quantity = EXCLUDED.quantity;" % values)
    print("loaded %d rows into items on %s" % (len(rows), os.environ.get("PGHOST", "localhost")))


def report(threshold):
    total = psql("SELECT sum(quantity) FROM items")
    low = psql("SELECT string_agg(sku, ',' ORDER BY sku) FROM items WHERE quantity < %d" % threshold)
    print("total quantity=%s" % total)
    print("below %d: %s" % (threshold, low or "none"))
    # An output variable for later jobs: learn.microsoft.com/azure/devops/pipelines/process/set-variables-scripts
    print("##vso[task.setvariable variable=totalQuantity;isOutput=true]%s" % total)


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        load(sys.argv[2])
    elif sys.argv[1:2] == ["report"]:
        report(int(sys.argv[2]) if len(sys.argv) > 2 else 100)
    else:
        sys.exit("usage: inventory.py load FILE | report [THRESHOLD]")
