"""The arithmetic of the audit of the essay's election table and of its votes-versus-power comparison, so that the
prose glues every figure it states. Shares are of the sum of the printed rows, "Unaccounted" included: the base the
printed percentages use.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PRINTED_DECIMALS = 1  # the table prints its percentages to one decimal place
HALF_UNIT = 0.5 * 10**-PRINTED_DECIMALS
GOVERNING_PARTIES = ("Bolsheviks", "Left SRs")


def shares(election: pd.DataFrame) -> pd.DataFrame:
    """Each row with its share of the summed votes, as computed and as rounded like the printed figure."""
    table = election[["party", "votes_thousands", "percent_printed"]].copy()
    table["percent_recomputed"] = 100 * table.votes_thousands / table.votes_thousands.sum()
    table["percent_recomputed_rounded"] = table.percent_recomputed.round(PRINTED_DECIMALS)
    table["printed_minus_recomputed"] = table.percent_printed - table.percent_recomputed
    table["agrees"] = (table.percent_recomputed_rounded - table.percent_printed).abs() < HALF_UNIT / 10
    return table


@dataclass(frozen=True)
class TotalRange:
    """The totals of votes (thousands) from which every printed percentage could have been rounded."""
    low: float
    high: float

    def __contains__(self, total: float) -> bool:
        return self.low <= total <= self.high


def implied_total(election: pd.DataFrame) -> TotalRange:
    """The totals T within every row's interval: a printed p of v votes means 100 v / (p ± 0.05) bound T."""
    rows = election[election.percent_printed > HALF_UNIT]
    low = (100 * rows.votes_thousands / (rows.percent_printed + HALF_UNIT)).max()
    high = (100 * rows.votes_thousands / (rows.percent_printed - HALF_UNIT)).min()
    return TotalRange(float(low), float(high))


def differences_from_source(election: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """The rows whose printed votes or percentage differ between the essay and its source (Pipes's table)."""
    merged = election.merge(source, left_on="party", right_on="editorial_party_in_essay",
                            suffixes=("_essay", "_source"), validate="one_to_one")
    differs = ((merged.votes_thousands_essay != merged.votes_thousands_source)
               | (merged.percent_printed_essay != merged.percent_printed_source))
    return merged.loc[differs, ["party", "party_printed", "votes_thousands_essay", "votes_thousands_source",
                                "percent_printed_essay", "percent_printed_source"]].reset_index(drop=True)


def governing_share(election: pd.DataFrame) -> tuple[float, float]:
    """The Bolsheviks' and Left SRs' share of the vote together: (as printed, as recomputed from the votes)."""
    rows = election.party.isin(GOVERNING_PARTIES)
    printed = float(election.loc[rows, "percent_printed"].sum())
    recomputed = float(100 * election.loc[rows, "votes_thousands"].sum() / election.votes_thousands.sum())
    return printed, recomputed


def governing_share_of_bodies(bodies: pd.DataFrame) -> pd.Series:
    """Each body's share (percent) held by Bolsheviks and Left SRs: from the members where the essay counts them,
    else the percentage it prints."""
    counted = 100 * (bodies.bolshevik_members + bodies.left_sr_members) / bodies.members_total
    share = counted.fillna(bodies.bolshevik_left_sr_percent_printed)
    if share.isna().any():
        raise ValueError(f"no share for {list(bodies.body[share.isna()])}: give members or a printed percent")
    return pd.Series(share.to_numpy(dtype=float), index=bodies.body, name="percent_governing")


def repeats_of_next_row(election: pd.DataFrame, parties: pd.Series) -> list[tuple[str, str]]:
    """(party, next party) for each of ``parties`` whose printed votes and percentage are those of the next row."""
    rows = election.sort_values("editorial_printed_row").reset_index(drop=True)
    figures = rows[["votes_thousands", "percent_printed"]]
    same_as_next = (figures == figures.shift(-1)).all(axis=1)
    return [(rows.party[i], rows.party[i + 1]) for i in rows.index[same_as_next] if rows.party[i] in set(parties)]
