"""Shared fixtures: one per data shape the library meets."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# In CI, property tests draw the same examples on every run and keep no
# database, as recent hypothesis releases do by themselves when CI is set;
# registering the profile here does the same at the minimum hypothesis version.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def likert_survey(rng):
    """A survey export: Likert 1-5 items, 0/1 items and text columns."""
    n = 60
    latent = rng.normal(size=(n, 1))
    likert = np.clip(np.round(3 + latent + rng.normal(scale=0.8, size=(n, 4))), 1, 5)
    frame = pd.DataFrame(likert.astype(int), columns=["q1", "q2", "q3", "q4"])
    frame["b1"] = (latent[:, 0] + rng.normal(size=n) > 0).astype(int)
    frame["b2"] = (latent[:, 0] + rng.normal(size=n) > 0.5).astype(int)
    frame.insert(0, "metro", rng.choice(["Tijuana", "Juárez", "Hermosillo"], size=n))
    frame["comment"] = "free text"
    frame["innovated"] = (latent[:, 0] + rng.normal(size=n) > 0).astype(int)
    return frame


@pytest.fixture
def positive_array(rng):
    return rng.uniform(0.5, 10.0, size=(40, 3))


@pytest.fixture(scope="module")
def contraception_psus():
    """Bangladesh's Contraception survey (tests/data) with its PSUs: a
    district's urban and rural parts. Returns X (age, age2, children, urban),
    y (use) and the PSU labels."""
    from pathlib import Path

    frame = pd.read_csv(Path(__file__).parent / "data" / "contraception.csv")
    psu = (frame["urban"] + ":" + frame["district"].astype(str)).to_numpy()
    X = pd.DataFrame(
        {
            "age": frame["age"],
            "age2": frame["age"] ** 2 / 100,
            "children": (frame["livch"] != "0").astype(float),
            "urban": (frame["urban"] == "Y").astype(float),
        }
    )
    y = (frame["use"] == "Y").astype(int)
    return X, y, psu
