"""Synthetic streaming log: one month of listening by a sample of users.

Each row is a (user, track) pair with a number of streams (pairs may repeat). The generator is
vectorised (numpy only), so ``generate(n_rows=10_000_000)`` takes seconds.

What it models:

* **Heavy and light listeners.** 20 % of users are heavy listeners: they have
  about three times as many rows and stream each track about three times as
  often (geometric counts, mean 9 vs 3).
* **A long-tailed artist popularity.** Artist ``A00001`` is the most popular;
  popularity falls with rank like a Zipf law (exponent 1.1). Real markets are
  more concentrated than this small sample: in the UK "over 60% of streams were
  of music recorded by only the top 0.4% of artists" (UK CMA, 2022 [1]_).
* **Heavy listeners play less popular artists.** Each row is either a
  "mainstream" pick (Zipf exponent 1.1) or an "exploration" pick from the
  long tail (exponent 0.5); light users explore 10 % of the time, heavy users
  45 %. This is the published observation behind the user-centric debate:
  active listeners play more niche music, so under pro-rata they fund it
  ("Pro rata is progressive, and user-centric would be regressive", Glenn
  McDonald, ex-Spotify [2]_; the Finnish 2017 study [3]_; Deezer, 2019 [4]_).
* **Who pays what.** ``tier``: 70 % of users are ``premium``, the others
  ``free`` (ad-supported). ``market``: 80 % of users are in ``world`` (Spotify's
  worldwide averages), 20 % in ``low``, an illustrative lower-price market.
  What a listener pays follows from tier and market through the price table
  of :mod:`valuelab.royalties.listeners` (Premium EUR 4.69 a month in
  ``world``). ``month``: the calendar month of the log (one month).
* **A stream farm** (``stream_farm=n``): ``n`` bot accounts, each a Premium
  subscriber in market ``world``, playing the 3 tracks of one fake artist ``FARM`` around the clock
  (20 three-minute plays an hour for 30 days = 14,400 streams per bot).

References
----------
.. [1] UK Competition and Markets Authority, "Music and streaming market study:
   final report", 29 November 2022.
   https://www.gov.uk/government/publications/music-and-streaming-market-study-final-report/executive-summary
.. [2] G. McDonald, *You Have Not Yet Heard Your Favourite Song: How Streaming
   Changes Music*, Canbury Press, 2024.
.. [3] J. Muikku, "Pro Rata and User Centric Distribution Models: A Comparative
   Study", Digital Media Finland, 30 November 2017.
   https://www.digitalmedia.fi/pro-rata-user-centric-distribution-models-comparative-study/
.. [4] Music Business Worldwide, "Deezer plans 2020 User-Centric Payment System
   pilot launch", September 2019.
   https://www.musicbusinessworldwide.com/deezer-plans-2020-user-centric-payment-system-pilot-launch/
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuelab.core import check_number

__all__ = ["generate"]

#: The seed the shipped file was made with.
SEED = 20211231

#: Listener tiers and markets (codes 0, 1) and the month of the log.
TIERS = ("premium", "free")
MARKETS = ("world", "low")
MONTH = "2024-01"
#: Streams a bot makes in a month playing around the clock (20 plays an hour).
BOT_STREAMS = 20 * 24 * 30
TRACKS_PER_ARTIST = 10


def _zipf_rank(u: np.ndarray, n: int, exponent: float) -> np.ndarray:
    """Ranks 0..n-1 by inverting a continuous power law on [1, n + 1) (exponent != 1)."""
    k = 1.0 - exponent
    x = ((float(n + 1) ** k - 1.0) * u + 1.0) ** (1.0 / k)
    return np.minimum(x.astype(np.int64) - 1, n - 1)


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _draw_listening(
    rng: np.random.Generator, n_rows: int, n_users: int, n_artists: int
) -> dict[str, np.ndarray]:
    """Human listening rows: user, artist and track codes, streams, tier and market codes."""
    heavy = rng.random(n_users) < 0.2
    activity = rng.lognormal(0.0, 0.5, n_users) * np.where(heavy, 3.0, 1.0)
    user = np.sort(rng.choice(n_users, size=n_rows, p=activity / activity.sum()))
    explore = rng.random(n_rows) < np.where(heavy, 0.45, 0.10)[user]
    u = rng.random(n_rows)
    artist = np.where(explore, _zipf_rank(u, n_artists, 0.5), _zipf_rank(u, n_artists, 1.1))
    track = np.minimum(rng.geometric(0.35, n_rows) - 1, TRACKS_PER_ARTIST - 1)
    streams = rng.geometric(np.where(heavy, 1 / 9, 1 / 3)[user])
    premium = rng.random(n_users) < 0.7
    low_market = rng.random(n_users) < 0.2
    return {
        "user": user,
        "artist": artist,
        "track": artist * TRACKS_PER_ARTIST + track,
        "streams": streams,
        "tier": np.where(premium, 0, 1)[user],
        "market": np.where(low_market, 1, 0)[user],
    }


def _catalogue(n_users: int, n_artists: int) -> dict[str, list[str]]:
    """The user, artist and track ids the codes point at (``U000001``, ``A00001-T03``...)."""
    artist_ids = _ids("A", n_artists, 5)
    return {
        "user": _ids("U", n_users, 6),
        "artist": artist_ids,
        "track": [f"{a}-T{t:02d}" for a in artist_ids for t in range(1, TRACKS_PER_ARTIST + 1)],
    }


def _add_stream_farm(rows: dict[str, np.ndarray], ids: dict[str, list[str]], n_bots: int) -> None:
    """Append ``n_bots`` Premium bots streaming the 3 tracks of artist ``FARM`` (in place)."""
    n_users, n_artists, n_tracks = (len(ids[k]) for k in ("user", "artist", "track"))
    farm_tracks = 3
    bot_user = np.repeat(np.arange(n_users, n_users + n_bots), farm_tracks)
    farm_code = n_tracks + np.tile(np.arange(farm_tracks), n_bots)
    per_track = np.tile(np.diff(np.linspace(0, BOT_STREAMS, farm_tracks + 1).round()), n_bots)
    extra = {
        "user": bot_user,
        "artist": np.full(n_bots * farm_tracks, n_artists),
        "track": farm_code,
        "streams": per_track.astype(np.int64),
        "tier": np.zeros(n_bots * farm_tracks, dtype=np.int64),  # premium
        "market": np.zeros(n_bots * farm_tracks, dtype=np.int64),  # world
    }
    for key, more in extra.items():
        rows[key] = np.concatenate([rows[key], more])
    ids["user"] += _ids("BOT", n_bots, 2)
    ids["artist"] += ["FARM"]
    ids["track"] += _ids("FARM-T", farm_tracks, 2)


def generate(
    n_rows: int = 30_000,
    seed: int = SEED,
    n_users: int | None = None,
    n_artists: int | None = None,
    stream_farm: int = 0,
) -> pd.DataFrame:
    """Generate the listening log.

    Parameters
    ----------
    n_rows : int
        Number of (user, track) rows of human listening (count >= 1); the
        10,000,000-row benchmark log takes a few seconds.
    seed : int
        Seed of the random generator; the same arguments give the same rows.
    n_users, n_artists : int, optional
        Default ``n_rows // 15`` users (at least 10) and ``n_rows // 20``
        artists (between 10 and 100,000).
    stream_farm : int
        Number of bot accounts to add (see the module docstring); 0 for none.

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``artist_id``, ``track_id`` (categoricals, ids like
        ``U000001``, ``A00001``, ``A00001-T03``; bots ``BOT01`` playing
        ``FARM-T01``...), ``streams`` (int, streams in the month), ``tier``
        (``premium`` or ``free``), ``market`` (``world`` or ``low``) and
        ``month`` (``"2024-01"``), sorted by user (a user may have several rows
        for one track).

    Examples
    --------
    >>> df = generate(n_rows=1_000, seed=1, stream_farm=2)
    >>> len(df), int(df.loc[df["user_id"] == "BOT01", "streams"].sum())
    (1006, 14400)
    """
    check_number(n_rows, "n_rows", min=1, integer=True)
    check_number(stream_farm, "stream_farm", min=0, integer=True)
    n_users = max(10, n_rows // 15) if n_users is None else n_users
    n_artists = min(100_000, max(10, n_rows // 20)) if n_artists is None else n_artists
    check_number(n_users, "n_users", min=1, integer=True)
    check_number(n_artists, "n_artists", min=1, integer=True)
    rows = _draw_listening(np.random.default_rng(seed), n_rows, n_users, n_artists)
    ids = _catalogue(n_users, n_artists)
    if stream_farm:
        _add_stream_farm(rows, ids, int(stream_farm))
    return pd.DataFrame(
        {
            "user_id": pd.Categorical.from_codes(rows["user"], categories=ids["user"]),
            "artist_id": pd.Categorical.from_codes(rows["artist"], categories=ids["artist"]),
            "track_id": pd.Categorical.from_codes(rows["track"], categories=ids["track"]),
            "streams": rows["streams"].astype(np.int64),
            "tier": pd.Categorical.from_codes(rows["tier"], categories=list(TIERS)),
            "market": pd.Categorical.from_codes(rows["market"], categories=list(MARKETS)),
            "month": pd.Categorical.from_codes(np.zeros(len(rows["user"]), int), [MONTH]),
        }
    )
