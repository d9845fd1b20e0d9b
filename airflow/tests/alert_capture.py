"""The callable the tests name in Variable healthscore_notifier: appends each alert as a JSON
line to $HEALTHSCORE_ALERTS_FILE, so a test can see that the callback really fired."""
from __future__ import annotations

import json
import os


def record(message: str, context) -> None:
    with open(os.environ["HEALTHSCORE_ALERTS_FILE"], "a") as out:
        out.write(json.dumps({"message": message, "pid": os.getpid()}) + "\n")


def read(path) -> list[dict]:
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []
