"""Made-up money and results for demo projects (manage.py load_demo): transactions that add
up against the budget and results measured year by year, never dated after today."""

import datetime
from decimal import Decimal

from projects.models import Indicator, IndicatorPeriod, Result, Transaction

ONE_DAY = datetime.timedelta(days=1)
# A project without an end date is reported over this many months.
OPEN_ENDED_MONTHS = 36

# The result a project reports, after its first theme (theme slug: title sv, title en,
# description sv, description en). Written for the demo; a project on another theme
# reports the first one.
RESULTS = {
    "arbetares-rattigheter": (
        "Fler arbetare organiserar sig och förhandlar om sina villkor",
        "More workers organise and bargain over their conditions",
        "Studiecirklar och utbildning av förtroendevalda ger arbetarna kunskap om sina "
        "rättigheter. Mäts genom deltagarlistor från utbildningarna.",
        "Study circles and training for elected representatives give workers knowledge of "
        "their rights. Measured from the training's attendance lists."),
    "jamstalldhet": (
        "Kvinnor tar plats som ledare i sina organisationer",
        "Women take their place as leaders in their organisations",
        "Kvinnor utbildas i ledarskap och rättigheter och väljs till uppdrag. Mäts genom "
        "deltagarlistor och organisationernas egna uppgifter om sina ledare.",
        "Women are trained in leadership and rights and elected to office. Measured from "
        "attendance lists and the organisations' own figures on their leaders."),
    "unga": (
        "Unga känner sina rättigheter och påverkar i sina lokalsamhällen",
        "Young people know their rights and have a say in their communities",
        "Ungdomsledare utbildas och driver sedan egna grupper. Mäts genom grupperna egna "
        "deltagarlistor.",
        "Youth leaders are trained and then run groups of their own. Measured from the "
        "groups' own attendance lists."),
    "demokrati": (
        "Fler deltar i det demokratiska samtalet",
        "More people take part in democratic debate",
        "Utbildningar och möten med beslutsfattare. Mäts genom deltagarlistor.",
        "Training and meetings with decision-makers. Measured from attendance lists."),
    "manskliga-rattigheter": (
        "Fler känner till och kräver sina mänskliga rättigheter",
        "More people know and claim their human rights",
        "Utbildningar om rättigheter och hur man kräver dem. Mäts genom deltagarlistor.",
        "Training on rights and how to claim them. Measured from attendance lists."),
    "fred-och-sakerhet": (
        "Organisationer i regionen samarbetar för fred",
        "Organisations in the region work together for peace",
        "Regionala möten och gemensamma utbildningar. Mäts genom deltagarlistor.",
        "Regional meetings and joint training. Measured from attendance lists."),
    "transparens": (
        "Organisationerna granskar hur offentliga medel används",
        "The organisations scrutinise how public money is spent",
        "Förtroendevalda utbildas i att granska budgetar och upphandlingar. Mäts genom "
        "deltagarlistor.",
        "Elected representatives are trained to scrutinise budgets and procurement. "
        "Measured from attendance lists."),
}
PEOPLE_REACHED = ("Personer som deltagit i utbildningarna",
                  "People who took part in the training")
WOMEN_LEADERS = ("Andel kvinnor bland de utbildade ledarna",
                 "Share of women among the trained leaders")


def add_months(day, months):
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def project_years(start, end):
    """The project's years as (first day, last day), counted from its start; the last
    may be short."""
    end = end or add_months(start, OPEN_ENDED_MONTHS) - ONE_DAY
    years, first = [], start
    while first <= end:
        last = min(add_months(first, 12) - ONE_DAY, end)
        years.append((first, last))
        first = last + ONE_DAY
    return years


def demo_transactions(rng, project, today, *, provider, provider_activity_id, partner_ids,
                      half_yearly=True):
    """The money a demo project has received and paid out by `today`, as unsaved
    Transactions: each year's instalment from its funder at the start of the year, and
    half-yearly (else yearly) payments to its partners (`partner_ids`, hidden or not) and
    for its own costs. Instalments never exceed the budget, payments never what came in,
    and nothing is dated before the start or after `today`."""
    if project.budget_sek is None or project.start_date > today:
        return []
    years = project_years(project.start_date, project.end_date)
    total_days = (years[-1][1] - years[0][0]).days + 1
    rows = []
    for first, last in years:
        if first > today:
            break
        share = ((last - first).days + 1) / total_days
        # Whole thousands, rounded down: the instalments stay within the budget.
        received = int(project.budget_sek * share * rng.uniform(0.9, 1.0)) // 1000 * 1000
        if received <= 0:
            continue
        received_on = min(first + datetime.timedelta(days=rng.randrange(21)), last, today)
        rows.append(Transaction(
            project_id=project.pk, transaction_type=Transaction.Type.INCOMING_FUNDS,
            date=received_on, value=Decimal(received), provider_id=provider.pk,
            provider_activity_id=provider_activity_id))
        # The payments already made: on the last day of each half (or of the year).
        halves = [min(add_months(first, 6) - ONE_DAY, last), last] if half_yearly else [last]
        halves = sorted({day for day in halves if day >= received_on})
        made = [day for day in halves if day <= today]
        if not made:
            continue
        paid = int(received * rng.uniform(0.85, 0.97)) // len(halves)
        for day in made:
            to_partners = int(paid * rng.uniform(0.55, 0.75)) if partner_ids else 0
            for index, partner_id in enumerate(partner_ids):
                # The first partner gets the rest of the division, so none is lost.
                amount = to_partners // len(partner_ids)
                if index == 0:
                    amount += to_partners - amount * len(partner_ids)
                rows.append(Transaction(
                    project_id=project.pk, transaction_type=Transaction.Type.DISBURSEMENT,
                    date=day, value=Decimal(amount), receiver_id=partner_id))
            rows.append(Transaction(
                project_id=project.pk, transaction_type=Transaction.Type.EXPENDITURE,
                date=day, value=Decimal(paid - to_partners)))
    return [row for row in rows if row.value > 0]


def demo_result(rng, project, today, *, theme_slug, women_leaders):
    """A demo project's result: (Result, [(Indicator, [IndicatorPeriod])]), unsaved, with
    the people its training reached and, if `women_leaders`, the share of women among
    the leaders it trained. Each year of the project is a period with a target; what was
    achieved is given only for years that have ended."""
    title_sv, title_en, description_sv, description_en = RESULTS.get(
        theme_slug, next(iter(RESULTS.values())))
    result = Result(project_id=project.pk, result_type=Result.Type.OUTCOME,
                    title_sv=title_sv, title_en=title_en,
                    description_sv=description_sv, description_en=description_en)
    years = project_years(project.start_date, project.end_date)
    baseline_year = project.start_date.year

    people = Indicator(title_sv=PEOPLE_REACHED[0], title_en=PEOPLE_REACHED[1],
                       measure=Indicator.Measure.UNIT, ascending=True,
                       baseline_year=baseline_year, baseline_value=Decimal(0))
    per_year = rng.randint(4, 40) * 25
    people_periods = []
    for first, last in years:
        target = Decimal(per_year)
        actual = (Decimal(round(per_year * rng.uniform(0.7, 1.15)))
                  if last < today else None)
        people_periods.append(IndicatorPeriod(period_start=first, period_end=last,
                                              target=target, actual=actual))
    indicators = [(people, people_periods)]

    if women_leaders:
        baseline = rng.randint(15, 35)
        share = Indicator(title_sv=WOMEN_LEADERS[0], title_en=WOMEN_LEADERS[1],
                          measure=Indicator.Measure.PERCENTAGE, ascending=True,
                          baseline_year=baseline_year, baseline_value=Decimal(baseline))
        share_periods = []
        for number, (first, last) in enumerate(years, start=1):
            target = min(50, baseline + 5 * number)
            actual = (Decimal(max(0, min(100, target + rng.randint(-6, 4))))
                      if last < today else None)
            share_periods.append(IndicatorPeriod(period_start=first, period_end=last,
                                                 target=Decimal(target), actual=actual))
        indicators.append((share, share_periods))
    return result, indicators


def save_results(results):
    """Insert [(Result, [(Indicator, [IndicatorPeriod])])] in three bulk inserts."""
    saved = Result.objects.bulk_create([result for result, _ in results])
    _ensure_pks(Result, saved)
    indicators = []
    for result, pairs in zip(saved, (pairs for _, pairs in results), strict=True):
        for indicator, _periods in pairs:
            indicator.result_id = result.pk
            indicators.append(indicator)
    saved_indicators = Indicator.objects.bulk_create(indicators)
    _ensure_pks(Indicator, saved_indicators)
    periods = []
    for indicator, (_, indicator_periods) in zip(
            saved_indicators, (pair for _, pairs in results for pair in pairs), strict=True):
        for period in indicator_periods:
            period.indicator_id = indicator.pk
            periods.append(period)
    IndicatorPeriod.objects.bulk_create(periods)


def _ensure_pks(model, objects):
    """Backends that cannot return ids from a bulk insert: the new rows are the last ones,
    in the order inserted."""
    if objects and any(obj.pk is None for obj in objects):
        pks = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:len(objects)])
        for obj, pk in zip(objects, reversed(pks), strict=True):
            obj.pk = pk
