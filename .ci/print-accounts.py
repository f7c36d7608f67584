"""Prints the demo accounts (JSON lines from `seed_demo --list-accounts`) as a short table."""

import json
import sys
from collections import defaultdict

show_all = "--all" in sys.argv
rows = [json.loads(line) for line in sys.stdin if line.strip()]
roles_of = defaultdict(list)
for row in rows:
    roles_of[row["login"]].append(row)

print("\nДемо-доступ: пароль у всех учётных записей — demo\n")
print(f"{'логин':<28} {'роль':<30} {'организация / территория'}")
seen = set()
for login, entries in roles_of.items():
    if len(entries) > 1:  # a person with several roles shows the role switcher
        roles = ", ".join(dict.fromkeys(e["role"] for e in entries))  # a role in two schools once
        places = ", ".join(sorted({e["school"] or e["municipality"] or "—" for e in entries}))
        print(f"{login:<28} {roles:<30} {places}")
        continue
    row = entries[0]
    key = (row["role"], row["municipality"])
    if not show_all and key in seen and row["role"] not in ("admin", "regional_methodist"):
        continue  # one example per role and municipality keeps the list short
    seen.add(key)
    print(f"{login:<28} {row['role']:<30} {row['school'] or row['municipality'] or '—'}")
print(f"\nВсего демо-учётных записей: {len(roles_of)} (полный список: make accounts)\n")
