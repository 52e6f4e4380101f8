"""Whether the local policies, and the leaflet's advice, say what to do for every band of an instrument pack.

The shipped policies (``resources/policy/actions.json`` and ``signposting.json``) name the blocks and bands of
the shipped instrument. A licensed pack with other block or band ids would otherwise load and then fail at the
first answer that reaches such a band, in front of the patient: it is refused where it is chosen instead.
"""

from __future__ import annotations

from app.i18n import _
from app.instrument.model import InstrumentPack


def policy_problems(pack: InstrumentPack) -> list[str]:
    """A sentence for each policy that says nothing for some band of ``pack``; empty when both cover it."""
    from app.directory.rules import load_signposting_policy, policy_gaps, policy_path
    from app.leaflets.advice import advice_gaps
    from app.policy import action_policy_path, check_policy_covers, load_action_policy

    problems = []
    actions = load_action_policy()
    if missing := check_policy_covers(actions, (band.id for block in pack.blocks for band in block.bands)):
        problems.append(
            _("the action policy {file} gives no action for the band(s) {bands}").format(
                file=action_policy_path(), bands=", ".join(missing)
            )
        )
    if gaps := policy_gaps(load_signposting_policy(), pack):
        problems.append(
            _("the signposting rules {file} say nothing for {pairs}").format(file=policy_path(), pairs=", ".join(gaps))
        )
    # A risky substance with no advice would be left off the patient's leaflet without a word.
    if gaps := advice_gaps((block.id, (band.id for band in block.bands)) for block in pack.blocks):
        problems.append(_("the leaflet has no advice for {pairs}").format(pairs=", ".join(gaps)))
    return problems


def unusable_pack_message(pack: InstrumentPack, problems: list[str]) -> str:
    """Why ``pack`` cannot be used for screenings, naming its file and each policy gap."""
    return _("the instrument pack '{pack}' ({file}) cannot be used: {problems}").format(
        pack=pack.id, file=pack.path, problems="; ".join(problems)
    )
