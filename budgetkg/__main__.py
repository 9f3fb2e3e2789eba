"""`python -m budgetkg …`: the same command line as the `budgetkg` script."""

from budgetkg.cli import run

if __name__ == "__main__":
    run()
