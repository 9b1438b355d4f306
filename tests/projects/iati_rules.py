"""IATI's checks beyond the schema, run offline on an activity or organisation file: the
rules of IATI's Standard Ruleset (tests/data/iati-2.03/rulesets/standard.json, rule types
as SPEC.rst and IATI's validator define them) and every code against its codelist.

check(root) -> [Finding(severity, rule, message, where)]: an empty list of errors is what
the IATI Validator would call a file without errors. Where this differs from the
validator, it is stricter, never laxer:
- idCondition (whether an identifier is registered in the IATI Registry) needs the
  Registry: the rule is applied as if the identifier were not registered. The
  ORG-ID-PREFIX list is the OrganisationRegistrationAgency codelist.
- In a loop, "$1" is replaced in every text of the case (IATI's validator replaces it
  only in the keys named in "subs", so a condition with "$1" there never holds).
- if_then and conditions take XPath's boolean() of their expression (in the validator's
  JavaScript an empty node-set counts as true).
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

DATA = Path(__file__).resolve().parents[1] / "data" / "iati-2.03"
RULESET = DATA / "rulesets" / "standard.json"
CODELISTS = DATA / "codelists"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Code attributes and the codelist each is checked against (XPath from the document).
# A vocabulary other than IATI's default (e.g. a sector vocabulary 98) is not checked.
DEFAULT_VOCABULARY = "[not(@vocabulary) or @vocabulary='' or @vocabulary='1']"
CODE_ATTRIBUTES = [
    ("//@xml:lang", "Language"),
    ("//document-link/language/@code", "Language"),
    ("//@default-currency", "Currency"),
    ("//@currency", "Currency"),
    ("//reporting-org/@type", "OrganisationType"),
    ("//participating-org/@type", "OrganisationType"),
    ("//provider-org/@type", "OrganisationType"),
    ("//receiver-org/@type", "OrganisationType"),
    ("//participating-org/@role", "OrganisationRole"),
    ("//iati-activity/description/@type", "DescriptionType"),
    ("//activity-status/@code", "ActivityStatus"),
    ("//activity-date/@type", "ActivityDateType"),
    ("//contact-info/@type", "ContactType"),
    ("//activity-scope/@code", "ActivityScope"),
    ("//recipient-country/@code", "Country"),
    ("//location/administrative[@vocabulary='A4']/@code", "Country"),
    (f"//recipient-region{DEFAULT_VOCABULARY}/@code", "Region"),
    ("//sector/@vocabulary", "SectorVocabulary"),
    (f"//sector{DEFAULT_VOCABULARY}/@code", "Sector"),
    (f"//policy-marker{DEFAULT_VOCABULARY}/@code", "PolicyMarker"),
    ("//policy-marker/@significance", "PolicySignificance"),
    ("//collaboration-type/@code", "CollaborationType"),
    ("//default-flow-type/@code | //transaction/flow-type/@code", "FlowType"),
    ("//default-finance-type/@code | //transaction/finance-type/@code", "FinanceType"),
    (f"//default-aid-type{DEFAULT_VOCABULARY}/@code", "AidType"),
    (f"//transaction/aid-type{DEFAULT_VOCABULARY}/@code", "AidType"),
    ("//default-tied-status/@code | //transaction/tied-status/@code", "TiedStatus"),
    ("//iati-activity/@budget-not-provided", "BudgetNotProvided"),
    ("//iati-activity/budget/@type", "BudgetType"),
    ("//budget/@status | //total-budget/@status | //recipient-country-budget/@status",
     "BudgetStatus"),
    ("//transaction-type/@code", "TransactionType"),
    ("//document-link/category/@code", "DocumentCategory"),
    ("//related-activity/@type", "RelatedActivityType"),
    ("//result/@type", "ResultType"),
    ("//indicator/@measure", "IndicatorMeasure"),
]


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning", as IATI's rule says
    rule: str  # the rule's id, e.g. "3.1.2", or "codelist Sector"
    message: str
    where: str  # the activity's or organisation's identifier and the element's path

    def __str__(self):
        return f"{self.severity} {self.rule} at {self.where}: {self.message}"


def errors(findings):
    return [finding for finding in findings if finding.severity == "error"]


def warnings(findings):
    return [finding for finding in findings if finding.severity == "warning"]


@lru_cache(maxsize=1)
def ruleset():
    return json.loads(RULESET.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def codelist(name):
    """({active code}, {withdrawn code}) of a codelist."""
    root = ET.parse(CODELISTS / f"{name}.xml").getroot()
    active, withdrawn = set(), set()
    for item in root.iter("codelist-item"):
        (withdrawn if item.get("status") == "withdrawn" else active).add(item.findtext("code"))
    return active, withdrawn


def check(root, now=None):
    """Every finding of the ruleset and the codelists on a parsed iati-activities or
    iati-organisations document (an lxml element or tree)."""
    root = root.getroot() if hasattr(root, "getroot") else root
    now = now or datetime.datetime.now(datetime.timezone.utc)
    findings = []
    for context, rules in ruleset().items():
        for element in root.xpath(context):
            for name, rule in rules.items():
                for case in rule["cases"]:
                    if name == "loop":
                        findings += _loop(element, case, now)
                    else:
                        findings += _apply(name, element, case, now)
    findings += check_codes(root)
    return findings


def check_codes(root):
    findings = []
    for path, name in CODE_ATTRIBUTES:
        active, withdrawn = codelist(name)
        for value in root.xpath(path):
            if value in active:
                continue
            why = "withdrawn from" if value in withdrawn else "not in"
            findings.append(Finding("error", f"codelist {name}",
                                    f"{value!r} is {why} the {name} codelist",
                                    _where(value.getparent(),
                                           value.attrname.replace(f"{{{XML_NS}}}", "xml:"))))
    return findings


# --- The rule types -----------------------------------------------------------------------

def _loop(element, case, now):
    findings = []
    values = list(dict.fromkeys(str(v) for v in element.xpath(case["foreach"])))
    for name, inner in case["do"].items():
        for sub_case in inner["cases"]:
            for value in values:
                findings += _apply(name, element, _substitute(sub_case, value), now)
    return findings


def _substitute(case, value):
    if isinstance(case, str):
        return case.replace("$1", value)
    if isinstance(case, list):
        return [_substitute(item, value) for item in case]
    if isinstance(case, dict):
        return {key: item if key == "ruleInfo" else _substitute(item, value)
                for key, item in case.items()}
    return case


def _apply(name, element, case, now):
    if "condition" in case and not _true(element, case["condition"]):
        return []
    passed = RULES[name](element, case, now)
    if passed is None or passed:  # None: not applicable (a date missing, say)
        return []
    info = case.get("ruleInfo", {})
    return [Finding(info.get("severity", "error"), info.get("id", name),
                    info.get("message", name), _where(element))]


def _true(element, expression):
    return bool(element.xpath(f"boolean({expression})"))


def _matches(element, case):
    return [match for path in case.get("paths", []) for match in element.xpath(path)]


def _text(match):
    if etree.iselement(match):
        return "".join(match.itertext())
    return str(match)


def _texts(element, case):
    return [_text(match) for match in _matches(element, case)]


def _date(element, path, now):
    if path == "NOW":
        return now
    found = element.xpath(path)
    if not found:
        return None
    text = str(found[0]).strip()
    try:
        if "T" in text:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)


def _number(text):
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _sum_is(element, case):
    numbers = [_number(text) for text in _texts(element, case)]
    if any(number is None for number in numbers):
        return False
    return sum(numbers, Decimal(0)) == Decimal(str(case["sum"]))


def _one_or_all(element, case, now):
    if element.xpath(case["one"]):
        return True
    checks = {
        "lang": ("descendant::narrative", f"@*[namespace-uri()='{XML_NS}' and "
                                          "local-name()='lang']"),
        "sector": ("transaction", "sector"),
        "recipient-country|recipient-region": ("transaction",
                                               "recipient-country|recipient-region"),
        "currency": ("descendant::value | descendant::forecast | descendant::loan-status",
                     "@currency"),
    }
    if case["all"] not in checks:
        return True
    items, needed = checks[case["all"]]
    return all(item.xpath(needed) for item in element.xpath(items))


def _only_one_of(element, case, now):
    matches = _matches(element, case)
    for excluded in case["excluded"]:
        if element.xpath(excluded):
            if matches:
                return False
        elif len(matches) != 1:
            return False
    return True


def _dependent(element, case, now):
    found = [bool(element.xpath(path)) for path in case["paths"]]
    return not any(found) or all(found)


def _date_order(element, case, now):
    less, more = _date(element, case["less"], now), _date(element, case["more"], now)
    if less is None or more is None:
        return None
    return less <= more


def _date_now(element, case, now):
    date = _date(element, case["date"], now)
    return None if date is None else date <= now


def _time_limit(element, case, now):
    start, end = _date(element, case["start"], now), _date(element, case["end"], now)
    if start is None or end is None:
        return None
    return (end - start).days <= 365


def _between_dates(element, case, now):
    date = _date(element, case["date"], now)
    start, end = _date(element, case["start"], now), _date(element, case["end"], now)
    if date is None or start is None or end is None:
        return None
    return start <= date <= end


def _regex(element, case, wanted):
    pattern = re.compile(case["regex"])
    return all(text == "" or bool(pattern.search(text)) == wanted
               for text in _texts(element, case))


@lru_cache(maxsize=1)
def _org_id_prefixes():
    active, withdrawn = codelist("OrganisationRegistrationAgency")
    return active | withdrawn


def _startswith(element, case, now):
    texts = _texts(element, case)
    if case["prefix"] in ("ORG-ID-PREFIX", ["ORG-ID-PREFIX"]):
        return all("-".join(text.split("-")[:2]) in _org_id_prefixes() for text in texts)
    separator = case.get("separator", "")
    prefixes = [_text(match) + separator for path in case["prefix"]
                for match in element.xpath(path)]
    return all(any(text.startswith(prefix) for prefix in prefixes) for text in texts)


def _range(element, case, now):
    for text in _texts(element, case):
        number = _number(text)
        if number is None:
            return False
        low = Decimal(str(case["min"])) if "min" in case else number
        high = Decimal(str(case["max"])) if "max" in case else number
        if not low <= number <= high:
            return False
    return True


RULES = {
    "no_more_than_one": lambda element, case, now: len(_matches(element, case)) <= 1,
    "atleast_one": lambda element, case, now: len(_matches(element, case)) >= 1,
    "only_one_of": _only_one_of,
    "one_or_all": _one_or_all,
    "dependent": _dependent,
    "unique": lambda element, case, now: len(set(t := _texts(element, case))) == len(t),
    "sum": lambda element, case, now: not _matches(element, case) or _sum_is(element, case),
    "strict_sum": lambda element, case, now: _sum_is(element, case),
    "date_order": _date_order,
    "date_now": _date_now,
    "time_limit": _time_limit,
    "between_dates": _between_dates,
    "regex_matches": lambda element, case, now: _regex(element, case, True),
    "regex_no_matches": lambda element, case, now: _regex(element, case, False),
    "startswith": _startswith,
    "if_then": lambda element, case, now: (not _true(element, case["if"])
                                           or _true(element, case["then"])),
    "range": _range,
    "no_spaces": lambda element, case, now: all(text == text.strip()
                                                for text in _texts(element, case)),
}


def _where(element, attribute=None):
    """The activity's or organisation's identifier and the element's path."""
    record = next((e for e in element.iterancestors() if e.tag in ("iati-activity",
                                                                   "iati-organisation")),
                  element if element.tag in ("iati-activity", "iati-organisation") else None)
    identifier = ""
    if record is not None:
        identifier = (record.findtext("iati-identifier")
                      or record.findtext("organisation-identifier") or "")
    path = element.getroottree().getpath(element) + (f"/@{attribute}" if attribute else "")
    return f"{identifier} {path}".strip()
