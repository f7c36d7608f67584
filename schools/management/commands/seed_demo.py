"""``manage.py seed_demo``: load the demonstration region once; the logic lives in schools.demo."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schools import demo


class Command(BaseCommand):
    help = (
        "Загружает демонстрационные данные: регион, муниципалитеты, образовательные организации, "
        "педагогических работников и учётные записи с паролем «demo». Повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Зерно генератора (по умолчанию 1).")
        parser.add_argument(
            "--schools", type=int, default=16, help="Всего образовательных организаций (по умолчанию 16)."
        )
        parser.add_argument("--municipalities", type=int, default=2, help="Муниципалитетов (по умолчанию 2).")
        parser.add_argument(
            "--list-accounts",
            action="store_true",
            help="Вывести учётные записи: по одному JSON-объекту на строку (пара «логин — роль»).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Загрузить, даже если DEMO_ALLOWED выключен (production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo.seed_demo(
                seed=options["seed"],
                schools=options["schools"],
                municipalities=options["municipalities"],
                force=options["force"],
            )
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if not options["list_accounts"]:
            self.stdout.write(result.message)
            return
        # stdout carries only the JSON lines, so that scripts can read it as is.
        self.stderr.write(result.message)
        for row in demo.list_accounts():
            self.stdout.write(json.dumps(row, ensure_ascii=False))
