"""The ``budgetkg`` script (and ``python -m budgetkg``): ``budgetkg.cli.main`` with the
compiled regular expressions of earlier runs (``budgetkg.regex_cache``: ~30 ms of each
command's start), installed before click and the rest compile theirs."""


def run() -> None:
    from budgetkg.regex_cache import install

    install()
    from budgetkg.cli import main

    main()
