# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Quickstart: from Arabic articles to a deduplicated timeline
#
# This notebook reads the five bundled articles in `data/raw/`, finds and resolves
# their time expressions, groups the event mentions into one row per real-world
# event, plots the timeline, and queries the Parquet output with DuckDB the way a
# BI tool would.
#
# `notebooks/quickstart.py` is the source (jupytext, percent format); the `.ipynb`
# beside it is generated and committed with its outputs. After editing the `.py`:
#
# ```sh
# python notebooks/build.py
# ```

# %%
from datetime import date
from pathlib import Path

import pandas as pd
from IPython.display import display

import timeline

ROOT = Path.cwd() if (Path.cwd() / "data" / "raw").is_dir() else Path.cwd().parent
pd.set_option("display.max_colwidth", 80)
timeline.__version__

# %% [markdown]
# ## 1. Extract
#
# `timeline.extract` takes a folder (or a file, a DataFrame, or a list of dicts).
# `now` is the run's reference date: the library never reads the clock, every
# relative expression is resolved against the article's own publication date.

# %%
result = timeline.extract(ROOT / "data" / "raw", now=date(2026, 1, 1))
result.articles

# %% [markdown]
# Every time expression, with its TIMEX3 value and the interval it stands for:

# %%
result.timexes[
    ["article_id", "text", "type", "value", "granularity", "date_start", "date_end"]
].head(12)

# %% [markdown]
# ## 2. From mentions to events (deduplication)
#
# Each article mentions events; the same meeting reported by two outlets, or twice
# in one article, becomes one row of `events` whose `n_mentions`/`n_articles` say
# how often it was reported.

# %%
mentions, events = result.mentions, result.events
print(
    f"{len(mentions)} mentions -> {(mentions['status'] == 'occurred').sum()} occurred -> "
    f"{len(events)} events"
)
mentions["status"].value_counts()

# %%
columns = ["date_value", "event_type", "location", "participants", "n_mentions", "n_articles"]
events.timeline.sort()[columns]

# %% [markdown]
# The `df.timeline` accessor gives the common views. Names are matched after
# normalisation, so `نتنياهو` finds `بنيامين نتنياهو` and `أمريكا` finds
# `الولايات المتحدة`; `between` keeps events whose date interval overlaps the range.

# %%
events.timeline.with_participant("نتنياهو")[columns]

# %%
events.timeline.with_participant("أمريكا").timeline.between("2021-01-01", "2021-12-31")[columns]

# %%
events.timeline.explode_participants()["participant"].value_counts().head(8)

# %% [markdown]
# In-memory records go through the same checks as files: a record without a date
# is reported, not dropped.

# %%
records = pd.DataFrame(
    [
        {"id": "x1", "published": "2024-06-13", "text": "التقى وزير الخارجية نظيره الأردني أمس."},
        {"id": "x2", "published": None, "text": "نص بلا تاريخ"},
    ]
)
small = timeline.extract(records)
display(small.articles[["article_id", "status", "reason"]])
small.events[["event_type", "date_value", "participants"]]

# %% [markdown]
# ## 3. Plot
#
# Interactive (plotly): a marker per day-dated event, sized by the number of
# articles; a bar where the date is only known to a month or a year. Hover for
# participants, place, sources and the sentence.

# %%
import plotly.io as pio

from timeline.plot import timeline_figure, timeline_image

pio.renderers.default = "plotly_mimetype+notebook_connected"
timeline_figure(events)

# %% [markdown]
# A static image for reports (Arabic labels shaped and right to left):

# %%
import tempfile

from IPython.display import Image

png = timeline_image(events, Path(tempfile.mkdtemp()) / "timeline.png", dpi=80)
Image(filename=str(png))

# %% [markdown]
# ## 4. Query the Parquet output with DuckDB
#
# `timeline extract data/raw --out data` writes the four tables; any
# Parquet-reading tool opens them as they are. This is the query a dashboard would
# run: events per month and type, with how many sources reported them.

# %%
import duckdb

events_path = (ROOT / "data" / "events.parquet").as_posix()
duckdb.sql(f"""
    SELECT strftime(date_start, '%Y-%m') AS month,
           event_type,
           count(*)                      AS events,
           sum(n_articles)               AS reports
    FROM read_parquet('{events_path}')
    WHERE date_start IS NOT NULL
    GROUP BY ALL
    ORDER BY month, event_type
""").df()

# %% [markdown]
# Who appears most often: `participants` is a list column, `unnest` turns it into
# rows (what a BI tool's "explode"/"split to rows" does).

# %%
duckdb.sql(f"""
    SELECT participant, count(*) AS events
    FROM (SELECT unnest(participants) AS participant FROM read_parquet('{events_path}'))
    GROUP BY participant
    ORDER BY events DESC, participant
    LIMIT 8
""").df()
