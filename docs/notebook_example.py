"""Notebook-style example of the budgetkg Python API (run: python -P docs/notebook_example.py).

Each block is a notebook cell. It runs against the embedded default dataset (the 2022
tables) plus, for the cross-year part, the SYNTHETIC 2023 test document of the test
suite when it is there (a checkout); against your own data use ``api.open(folder)``
(a data folder filled by ``budgetkg load``) or ``api.open("http://127.0.0.1:5000/sparql")``.
"""

# %% Open the data
from pathlib import Path

from budgetkg import api

second_year = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "second_year_2023.txt"
extra = [second_year] if second_year.is_file() else []
kg = api.open_seed(*extra)
print("fiscal years:", kg.years())

# %% What can I ask?
for q in kg.queries():
    params = ", ".join(f"{p.name}: {p.type}" for p in q.parameters) or "no parameters"
    print(f"{q.name:24} {q.title_en}  ({params})")

# %% Indicators by level-2 category (rows are dicts of Python values)
for row in kg.run("indicators-by-level2"):
    print(row["code"], row["nameZh"], row["indicators"])

# %% One indicator across projects and years
for row in kg.run("indicator-targets", indicator="培训合格率"):
    print(row["year"], row["project"], row["printedValue"], row["low"], row["unit"])

# %% Keyword search, then a project's indicators
hits = kg.run("keyword-search", keyword="考务")
print(hits[0])
first_project = kg.run("projects", year=2022)[0]
print(first_project["project"], first_project["totalWanYuan"], "万元")
print(len(kg.run("project-indicators", project=first_project["projectYear"])), "indicators")

# %% Cross-year comparison (yearA/yearB default to the two latest years in the store)
for row in kg.run("compare-lines"):
    if row["change"] != "unchanged":
        print(row["change"], row["matchedBy"], row["nameA"], "->", row["nameB"], row["difference"])
for row in kg.run("compare-targets"):
    print(row["change"], row["projectB"], row["indicator"], row["targetA"], "->", row["targetB"])

# %% As a pandas DataFrame (only if pandas is installed; it is optional)
try:
    frame = kg.run("fund-sources").to_pandas()
    print(frame[["source", "nameZh", "sumWanYuan", "percentOfTotal"]])
except ImportError as exc:
    print(exc)

# %% The exact SPARQL that ran (paste it into any SPARQL editor)
print(kg.query_text("shared-indicators", minProjects=4))
kg.close()
