"""The fixed vocabulary of the policy dialogue: pillars, stakeholder groups, statuses.

These come from the dialogue report itself (MUET, 2019), so they live in code;
everything the ICCK is expected to revise (indicators, clusters, rules) lives
in ``data/``.
"""

from __future__ import annotations

from enum import Enum

# The four aspects the dialogue examined every cluster under, in its order.
PILLARS: dict[str, str] = {
    "technology": "Technology",
    "support": "Support institutions & infrastructure",
    "hrm": "Capabilities & HRM",
    "incentive": "Incentive mechanism",
}

# Not a dialogue pillar: the cluster-defining structure the HRD study uses to
# tell a cluster from an agglomeration. Never offered as a map filter.
STRUCTURE_GROUP = "structure"
INDICATOR_GROUPS: dict[str, str] = {**PILLARS, STRUCTURE_GROUP: "Cluster structure"}

# IGCA: the four stakeholder groups present at the dialogue.
STAKEHOLDERS: dict[str, str] = {
    "industry": "Industry",
    "government": "Government",
    "community": "Community",
    "academia": "Academia",
}


class Status(str, Enum):
    PRESENT = "present"
    PARTIAL = "partial"
    ABSENT = "absent"
    NOT_ASSESSED = "not assessed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


STATUSES = [s.value for s in Status]
ASSESSED_STATUSES = [Status.PRESENT.value, Status.PARTIAL.value, Status.ABSENT.value]

# Classes of the cluster / agglomeration rule, from the most to the least developed.
FUNCTIONAL = "functional cluster"
POTENTIAL = "potential cluster"
AGGLOMERATION = "agglomeration"
INSUFFICIENT = "insufficient evidence"
CLASSES = [FUNCTIONAL, POTENTIAL, AGGLOMERATION]

JOB_LEVELS = ["entry", "supervisory", "managerial"]
SKILL_LEVELS = ["unskilled", "skilled", "professional"]
PARTICIPATION_LEVELS = {"job level": JOB_LEVELS, "skill level": SKILL_LEVELS}


# The mark every view and export of invented (illustrative) data carries.
ILLUSTRATIVE_MARK = "ILLUSTRATIVE — not real data"
# The mark every view and export of a round that is not a published edition carries (issue 26).
DRAFT_MARK = "Draft, not published"


def pillar_label(pillar_id: str) -> str:
    return INDICATOR_GROUPS.get(pillar_id, pillar_id)
