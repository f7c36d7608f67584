"""Prints the demo accounts (JSON lines from `seed_demo --list-accounts`) as a short table."""

import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip()]
print("\nДемо-доступ: пароль у всех учётных записей — demo\n")
print(f"{'логин':<28} {'роль':<22} {'организация / территория'}")
seen = set()
for row in rows:
    key = (row["role"], row["municipality"])
    if key in seen and row["role"] not in ("admin", "regional_methodist"):
        continue  # one example per role and municipality keeps the list short
    seen.add(key)
    place = row["school"] or row["municipality"] or "—"
    print(f"{row['login']:<28} {row['role']:<22} {place}")
print(f"\nВсего демо-учётных записей: {len({r['login'] for r in rows})} (полный список: make accounts)\n")
