"""A project's money: its total and split into funds, its cost-indicator values, and how
the grid and the indicator rows print amounts."""

from __future__ import annotations

import random
from decimal import Decimal

from .model import Context

AMOUNT_FIELDS = ("total", "annual_total", "own_level_total", "transfer_total", "fiscal_appropriation",
                 "other_funds", "carryover", "central_funds", "regional_funds")


def money_text(cents: int) -> str:
    """An amount in hundredths of 万元 as a 万元 figure without trailing zeros: 3.8, 500."""
    s = f"{Decimal(cents) / 100:.2f}"
    return s.rstrip("0").rstrip(".")


def amount_text(cents: int) -> str:
    """An amount in hundredths of 万元 as the fund grid prints it: 73398.00."""
    return f"{Decimal(cents) / 100:.2f}"


def fund_amounts(r: random.Random, family: int, carry_project: bool, cost_style: str) -> dict[str, int]:
    """The amounts a table prints, in hundredths of 万元, keyed by ``AMOUNT_FIELDS``."""
    lo, hi = (2.7, 5.0) if cost_style in ("bare", "yuan") else (2.5, 6.8)
    total = int(10 ** r.uniform(lo, hi))
    mode = "own"
    if family == 0:
        mode = r.choices(("own", "both", "transfer"), (70, 20, 10))[0]
    elif family == 5:
        mode = "transfer"
    if carry_project and mode == "transfer":
        mode = "own"
    tr = 0 if mode == "own" else total if mode == "transfer" else int(total * r.uniform(0.5, 0.98))
    own = total - tr
    c: dict[str, int] = {"total": total}
    if family in (0, 1, 3, 4):
        c["annual_total"] = total
    if own:
        c["own_level_total"] = own
        if carry_project:
            c["carryover"] = own
        else:
            split = r.choices(("f", "fc", "foc"), (80, 12, 8))[0] if family != 6 else "f"
            carry = int(own * r.uniform(0.1, 0.6)) if "c" in split else 0
            other = int(own * r.uniform(0.01, 0.1)) if "o" in split else 0
            fisc = own - carry - other
            c.update({k: v for k, v in (("fiscal_appropriation", fisc), ("other_funds", other),
                                        ("carryover", carry)) if v > 0})
    if tr:
        central = max(1, min(tr - 1, int(tr * r.uniform(0.3, 0.9))))
        c.update(transfer_total=tr, central_funds=central, regional_funds=tr - central)
    return c


def cost_values(ctx: Context, total: int, k: int, style: str) -> list[str]:
    """k cost values summing to the project total (rates: per unit, no sum)."""
    r = ctx.rng
    if style == "rate":
        seeded = [v for v in ctx.voc.values.get("14", ()) if "/" in v]
        return [r.choice(seeded) if seeded and r.random() < 0.5
                else f"{money_text(r.randint(10, 2000))}万元/{r.choice(('班次', '年', '人', '个', '次'))}"
                for _ in range(k)]
    floor = 10 if total >= 10 * k else 0  # 1000 yuan: bare yuan below that read as counts
    weights = [r.random() + 0.2 for _ in range(k)]
    spare = total - floor * k
    parts = [floor + int(spare * w / sum(weights)) for w in weights]
    parts[-1] += total - sum(parts)
    if style == "wan":
        return [money_text(p) + "万元" for p in parts]
    return [f"{p * 100}元" if style == "yuan" else str(p * 100) for p in parts]
