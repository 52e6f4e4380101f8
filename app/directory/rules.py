"""Signposting rules as data (``resources/policy/signposting.json``): from a result to the services to offer.

Categories come from each block's band, the co-occurring pathway and "risk to self"; the services
offered are the active ones in those categories, local services first, national helplines always.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app import json_input
from app.directory.model import CATEGORIES, Service
from app.errors import SignpostError
from app.i18n import _
from app.instrument.model import InstrumentPack
from app.instrument.scoring import BlockResult, Result
from app.paths import resources_dir

POLICY_FORMAT = 1
OTHERS = "for_people_affected_by_others"


@dataclass(frozen=True)
class SignpostingPolicy:
    id: str
    version: str
    instrument: str
    by_block: dict[str, dict[str, tuple[str, ...]]]
    co_occurring_bands: frozenset[str]
    co_occurring_categories: tuple[str, ...]
    risk_categories: tuple[str, ...]
    order: tuple[str, ...]
    national_always: bool
    # Services in ``for_others`` categories are for people affected by someone else's use: their categories
    # in ``not_for_own_use`` (the substances) do not make them a suggestion for the patient.
    for_others: frozenset[str] = frozenset()
    not_for_own_use: frozenset[str] = frozenset()

    def categories_for(self, block_id: str, band_id: str) -> tuple[str, ...]:
        try:
            return self.by_block[block_id][band_id]
        except KeyError:
            raise SignpostError(
                _("signposting rules {id} {version} say nothing for {block} / {band}").format(
                    id=self.id, version=self.version, block=block_id, band=band_id
                )
            ) from None

    def co_occurring(self, result: Result, *, under_mental_health_services: bool) -> bool:
        """Under mental-health services and some substance settled in a listed band (moderate or high)."""
        return under_mental_health_services and any(
            b.band.id in self.co_occurring_bands for b in result.answered_blocks
        )


def policy_gaps(policy: SignpostingPolicy, pack: InstrumentPack) -> list[str]:
    """"block/band" pairs of the instrument that the rules do not cover (empty when complete)."""
    return [
        f"{block.id}/{band.id}"
        for block in pack.blocks
        for band in block.bands
        if band.id not in policy.by_block.get(block.id, {})
    ]


def _categories(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f"{where} must be a list of categories")
    unknown = [c for c in value if c not in CATEGORIES]
    if unknown:
        raise ValueError(f"{where}: unknown categories {', '.join(unknown)}")
    return tuple(value)


def policy_path() -> Path:
    return resources_dir() / "policy" / "signposting.json"


@lru_cache(maxsize=4)
def load_signposting_policy(path: Path | None = None) -> SignpostingPolicy:
    """Read the signposting rules; a malformed file raises a ``SignpostError`` naming the file and the field."""
    path = path or policy_path()
    try:
        doc = json_input.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != POLICY_FORMAT:
            raise ValueError(f"format must be {POLICY_FORMAT}")
        by_block = {
            block: {band: _categories(cats, f"blocks.{block}.{band}") for band, cats in bands.items()}
            for block, bands in doc["blocks"].items()
        }
        co = doc["co_occurring"]
        if co.get("and_under_mental_health_services") is not True:
            raise ValueError("co_occurring.and_under_mental_health_services must be true")
        order = _categories(doc["order"], "order")
        others = doc.get(OTHERS, {})
        if set(order) != set(CATEGORIES):
            raise ValueError("order must list every category once")
        policy = SignpostingPolicy(
            id=doc["id"],
            version=str(doc["version"]),
            instrument=doc["instrument"],
            by_block=by_block,
            co_occurring_bands=frozenset(co["when_any_band"]),
            co_occurring_categories=_categories(co["categories"], "co_occurring.categories"),
            risk_categories=_categories(doc["risk_to_self"]["categories"], "risk_to_self.categories"),
            order=order,
            national_always=bool(doc["national_always"]),
            for_others=frozenset(_categories(others.get("categories", []), f"{OTHERS}.categories")),
            not_for_own_use=frozenset(_categories(others.get("not_suggested_for", []), f"{OTHERS}.not_suggested_for")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SignpostError(f"{path}: signposting rules cannot be read ({exc})") from exc
    return policy


def suggested_categories(
    result: Result,
    *,
    under_mental_health_services: bool,
    risk_to_self: bool,
    policy: SignpostingPolicy | None = None,
    describe: Callable[[BlockResult], str] | None = None,
) -> dict[str, list[str]]:
    """Each category to offer, in the policy's order, with the reasons it is offered (for the practitioner).

    Only substances whose band is settled count. ``describe`` words a block's reason (the UI passes the band
    word its result panel shows).
    """
    policy = policy or load_signposting_policy()
    reasons: dict[str, list[str]] = {}
    for block in result.answered_blocks:
        for category in policy.categories_for(block.block.id, block.band.id):
            reason = describe(block) if describe else f"{block.block.label}: {block.band.label or block.band.id}"
            reasons.setdefault(category, []).append(reason)
    if policy.co_occurring(result, under_mental_health_services=under_mental_health_services):
        for category in policy.co_occurring_categories:
            reasons.setdefault(category, []).append(_("co-occurring pathway"))
    if risk_to_self:
        for category in policy.risk_categories:
            reasons.setdefault(category, []).append(_("risk to self"))
    return {category: reasons[category] for category in policy.order if category in reasons}


def categories_counted(service: Service, policy: SignpostingPolicy | None = None) -> tuple[str, ...]:
    """The categories through which ``service`` is suggested for the patient's own result.

    A service for people affected by someone else's use (e.g. Al-Anon: family, alcohol) is not suggested
    through its substance categories; its others (crisis, mental health) still count.
    """
    policy = policy or load_signposting_policy()
    if not policy.for_others.intersection(service.categories):
        return service.categories
    return tuple(c for c in service.categories if c not in policy.not_for_own_use)


def suggest(
    result: Result,
    *,
    under_mental_health_services: bool | None,
    risk_to_self: bool,
    services: Iterable[Service],
    policy: SignpostingPolicy | None = None,
) -> list[Service]:
    """The services to offer for a result: local services first, national helplines always, crisis when needed.

    Args:
        under_mental_health_services: ``None`` (not asked) counts as no.
        services: the directory to choose from; inactive services are never offered.
    """
    policy = policy or load_signposting_policy()
    wanted = list(
        suggested_categories(
            result,
            under_mental_health_services=bool(under_mental_health_services),
            risk_to_self=risk_to_self,
            policy=policy,
        )
    )
    if not wanted:
        return []
    rank = {category: i for i, category in enumerate(wanted)}
    active = [s for s in services if s.active]
    local_categories = {c for s in active if not s.national for c in s.categories}
    chosen = []
    for service in active:
        matching = [rank[c] for c in categories_counted(service, policy) if c in rank]
        if not matching:
            continue
        if service.national and not policy.national_always:
            # Without "national always", a helpline is offered only where no local service covers it.
            if all(c in local_categories for c in service.categories if c in rank):
                continue
        chosen.append((service.national, min(matching), service.name.casefold(), service.id, service))
    chosen.sort(key=lambda entry: entry[:4])
    return [entry[4] for entry in chosen]


# Services shown for each need (the rest are found by the services panel's search), and printed by a leaflet
# that names none. The national limit is above what the shipped list has for any need (6), so every national
# helpline still shows unless IT imports many more.
LOCAL_PER_NEED = 5
NATIONAL_PER_NEED = 10


def default_choice(
    result: Result,
    *,
    under_mental_health_services: bool | None,
    risk_to_self: bool,
    services: Iterable[Service],
) -> list[Service]:
    """The services the services panel offers ticked for a result, before the practitioner changes anything: what
    a leaflet for a result that names no services prints."""
    needs = suggested_categories(result, under_mental_health_services=bool(under_mental_health_services),
                                 risk_to_self=risk_to_self)
    offered = suggest(result, under_mental_health_services=under_mental_health_services, risk_to_self=risk_to_self,
                      services=services)
    return shortlist(offered, list(needs), local=LOCAL_PER_NEED, national=NATIONAL_PER_NEED).shown


@dataclass(frozen=True)
class Shortlist:
    """The suggestions to show, and per need (category) how many more were suggested but are not shown."""

    shown: list[Service]
    more: dict[str, int] = field(default_factory=dict)


def shortlist(
    services: Sequence[Service],
    needs: Sequence[str],
    *,
    local: int,
    national: int,
    keep: Collection[str] = (),
    policy: SignpostingPolicy | None = None,
) -> Shortlist:
    """At most ``local`` local and ``national`` national services for each need, in the order given, and every
    service whose id is in ``keep`` (those saved with a screening) whatever the count.

    Each service counts for the first of ``needs`` (the categories to offer, in order) it covers, so a large
    directory still shows its national helplines and a few local services for every need, not thousands
    for the first one.
    """
    policy = policy or load_signposting_policy()
    rank = {need: i for i, need in enumerate(needs)}
    taken: dict[tuple[str, bool], int] = {}
    shown: list[Service] = []
    more: dict[str, int] = {}
    for service in services:
        covered = [c for c in categories_counted(service, policy) if c in rank]
        if not covered:
            continue
        need = min(covered, key=rank.__getitem__)
        count = taken.get((need, service.national), 0)
        if service.id in keep or count < (national if service.national else local):
            shown.append(service)
        else:
            more[need] = more.get(need, 0) + 1
        taken[(need, service.national)] = count + 1
    return Shortlist(shown, {need: more[need] for need in needs if need in more})
