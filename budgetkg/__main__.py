"""`python -m budgetkg …`: the same command line as the `budgetkg` script."""

from budgetkg.cli import main

if __name__ == "__main__":
    main()
