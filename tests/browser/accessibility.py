"""assert_accessible(page): axe-core's WCAG 2.0/2.1 A and AA checks on the page in the browser."""

from axe_playwright_python.sync_playwright import Axe

# The levels the portal promises (and Swedish public-sector rules ask for): WCAG 2.1 AA,
# which includes 2.0 A/AA. Best-practice rules stay out so a failure always names a
# success criterion.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# Serious and critical ones block people; moderate and minor ones are for review, not
# for a red build.
FAILING_IMPACTS = {"serious", "critical"}

_axe = Axe()  # reads axe.min.js once


# Colour transitions (a hovered button, an opened menu) last 0.15 s; on a busy machine axe
# can read a colour halfway, which no visitor reads for longer than that. Finite
# animations are taken to their end state first, so axe judges what stays on screen.
SETTLE = """() => document.getAnimations().forEach((a) => {
  if (a.effect && a.effect.getComputedTiming().endTime !== Infinity) a.finish(); })"""


def settle(page):
    """Take the page's colour transitions to their end, as a visitor sees it a moment later."""
    page.evaluate(SETTLE)


def axe_violations(page):
    """Every WCAG A/AA violation axe finds on the page once its transitions have settled,
    of any impact."""
    settle(page)
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    at {target}")
            summary = [line.strip() for line in (node.get("failureSummary") or "").splitlines()]
            if any(summary):
                lines.append("       " + "; ".join(line for line in summary if line))
    return "\n".join(lines)


def assert_accessible(page):
    """Fail listing each serious or critical violation: rule, impact, help and the nodes."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, (
        f"axe found {len(failing)} serious or critical WCAG violation(s) on {page.url}:\n"
        + describe(failing)
    )
