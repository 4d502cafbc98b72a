"""The three real-world decisions of issue 16, as an author would appraise them (not a test
module): Barnet's review of its Capita contracts, a library service, highways maintenance.

Each Example holds what the author types on the Options appraisal page: the long list, a
weight (and must-pass mark) for each of the checklist's ten principles and the five critical
success factors, up to three own criteria, and a score with its evidence for every cell.
tests/helpers/appraisal_enter.py types them into the real window; the bundles it exported are
kept in tests/fixtures/appraisal-examples/. Facts are kept general and plausible: public
reporting of Barnet's 2019-2022 review, which brought most services back in-house as the
contracts ended, and the duties in the statutory background (Public Libraries and Museums
Act 1964 s7, Highways Act 1980 s41, TUPE 2006, Local Government Act 1999 s3).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.appraisal import LongListEntry
from desktop.domain.decision import Option

# The register's default checklist (the ten principles), then the five factors.
SECTIONS = ("values", "outcomes", "staff", "users", "voluntary-sector", "collaboration",
            "challenge", "long-term", "radical", "perseverance")
FACTORS = ("strategic-fit", "value-for-money", "supplier-capacity", "affordability",
           "achievability")


@dataclass(frozen=True)
class Row:
    """One criterion as the author weights it, and each option's score and evidence."""

    id: str
    weight: int
    cells: tuple[tuple[int, str], ...]
    must_pass: bool = False
    title: str = ""  # an own criterion's title (typed); others take theirs from their list


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    proposal: str
    options: tuple[Option, ...]
    long_list: tuple[LongListEntry, ...]
    rows: tuple[Row, ...]


BARNET = Example(
    "barnet-capita-review",
    "Review of the Capita contracts: continue, re-shape or bring services back in-house",
    "End the two strategic partnership contracts with Capita (the Customer and Support Group "
    "and Regional Enterprise) as each service's natural break point arrives, and bring the "
    "services back in-house in phases between 2020 and 2023.",
    (Option("Continue both contracts as let in 2013", "rejected", "outsource",
            "The savings guaranteed in the 2013 business case are mostly banked; what remains "
            "is cost, and the council has little grip on performance."),
     Option("Re-shape the contracts: keep some services with Capita", "rejected", "outsource",
            "Keeps two client teams and a complex contract for a shrinking scope; the "
            "savings on paper depend on Capita agreeing new terms."),
     Option("End the contracts and bring services back in-house in phases", "recommended",
            "in-house")),
    (LongListEntry("Continue both contracts as let", True,
                   "The baseline: both ten-year contracts run to 2023."),
     LongListEntry("Re-shape the contracts", True,
                   "Capita proposed a revised scope in the 2019 review."),
     LongListEntry("End the contracts and bring services back in-house", True,
                   "Finance, HR and procurement were already returning after the 2018 audit."),
     LongListEntry("Re-procure the services from another supplier", False,
                   "A full procurement could not finish before the break points, and few "
                   "suppliers bid for a bundle this wide."),
     LongListEntry("Share the back office with neighbouring boroughs", False,
                   "No neighbour could host finance, HR and IT on the timetable."),
     LongListEntry("Set up a council-owned company for the services", False,
                   "It adds a board and a contract for services that can sit in-house.")),
    (
        Row("values", 5, ((2, "Staff survey and member scrutiny reports describe a "
                              "contract culture at arm's length from the council's aims."),
                          (2, "Capita's revised offer keeps the same model for the services "
                              "that stay."),
                          (4, "Services return to the council's own values and codes of "
                              "conduct, answerable to members."))),
        Row("outcomes", 10, ((2, "Planning and highways indicators were below target in "
                                 "2018-19 (performance report to Audit Committee)."),
                             (3, "Re-shaping lets the council set new indicators for the "
                                 "services kept."),
                             (3, "Outcomes set by the council directly; risk of a dip during "
                                 "each transfer."))),
        Row("staff", 8, ((2, "About 1,000 staff work under the contracts; no change for them, "
                             "but no say either."),
                         (2, "Some staff transfer back and some stay: two sets of terms."),
                         (3, "Staff transfer to the council under TUPE with their terms and "
                             "LGPS membership; unions consulted from the start."))),
        Row("users", 8, ((2, "Customer complaints about the contact centre rose in 2018."),
                         (3, "A new contact-centre specification is part of Capita's offer."),
                         (3, "The council answers residents directly; the plan keeps the "
                             "phone lines unchanged during each move."))),
        Row("voluntary-sector", 2, ((1, "No role for local groups in the contracts."),
                                    (1, "No change."),
                                    (2, "Grants and commissioning return to a council team "
                                        "that knows the local groups."))),
        Row("collaboration", 3, ((2, "Partnership boards meet quarterly."),
                                 (2, "As now."),
                                 (3, "Direct working with the NHS and police on regeneration "
                                     "and licensing."))),
        Row("challenge", 4, ((1, "Keeps the 2013 model unchanged."),
                             (2, "A partial rethink."),
                             (3, "Each service redesigned as it returns."))),
        Row("long-term", 6, ((1, "Dependence on one supplier to 2023 and then a cliff edge."),
                             (2, "Puts the cliff edge off, but it stays."),
                             (4, "A settled in-house model past 2023, with a plan for each "
                                 "service."))),
        Row("radical", 2, ((0, "No change."),
                           (1, "Small changes to scope."),
                           (3, "A reversal of the 2013 strategy, openly reported."))),
        Row("perseverance", 3, ((2, "Nothing to see through."),
                                (2, "Renegotiation could take two years."),
                                (3, "A phased programme with a board and milestones to "
                                    "2023."))),
        Row("strategic-fit", 12, ((1, "The 2019 corporate plan wants more direct control of "
                                      "front-line services."),
                                  (2, "Partly fits: the services kept stay outside."),
                                  (4, "Fits the corporate plan and the review's "
                                      "recommendations."))),
        Row("value-for-money", 15, ((2, "The review found costs above comparator boroughs for "
                                        "several services."),
                                    (2, "Savings depend on terms not yet agreed."),
                                    (3, "The business case shows a net saving over five years "
                                        "after one-off costs of the transfers."))),
        Row("supplier-capacity", 8, ((3, "Capita has the capacity; performance is the issue."),
                                     (3, "As now."),
                                     (2, "The council must rebuild IT and finance capacity; "
                                         "interim support is costed."))),
        Row("affordability", 10, ((3, "In the budget as it stands."),
                                  (3, "In the budget, with a one-off fee for the variation."),
                                  (2, "One-off transition costs are met from reserves; the "
                                      "medium-term plan shows them repaid."))),
        Row("achievability", 8, ((4, "Nothing to do."),
                                 (2, "Needs Capita's agreement and a contract variation."),
                                 (3, "Each service returns at its natural break point, "
                                     "one at a time."))),
        Row("control", 10, ((1, "Control through the contract only: change requests and "
                                "fees."),
                            (2, "Better for the services returned; none for the rest."),
                            (4, "Members and officers direct the services themselves.")),
            must_pass=True, title="Democratic control and accountability"),
    ),
)

LIBRARIES = Example(
    "library-service-options",
    "The future of the library service: in-house, trust, shared or reduced",
    "Transfer the running of the library service to a charitable community trust from April "
    "2027, keeping all eleven branches open, with a five-year funding agreement.",
    (Option("Keep the service in-house as now", "rejected", "in-house",
            "Cannot be afforded within the 2027-30 budget without closing branches."),
     Option("Transfer to a charitable community trust", "recommended", "social-sector"),
     Option("Share the service with the neighbouring council", "rejected", "shared-service",
            "The neighbour's own review does not report until 2028."),
     Option("Reduce the service: close four of eleven branches", "rejected", "in-house",
            "Would leave the north of the county without a library within reach, which the "
            "1964 Act does not allow.")),
    (LongListEntry("Keep the service in-house as now", True, "The baseline."),
     LongListEntry("Transfer to a charitable community trust", True,
                   "Trusts run library services in several English counties."),
     LongListEntry("Share the service with the neighbouring council", True,
                   "Both councils' leaders asked for it to be appraised."),
     LongListEntry("Reduce the service: close four branches", True,
                   "The saving the budget asks for, if nothing else changes."),
     LongListEntry("Outsource to a commercial operator", False,
                   "Only one operator answered the market notice, and surpluses would leave "
                   "the county."),
     LongListEntry("Hand every branch to volunteer groups", False,
                   "Volunteers cannot run a comprehensive service across eleven branches, "
                   "and R (Draper) v Lincolnshire shows the risk of deciding it before "
                   "consulting.")),
    (
        Row("values", 6, ((4, "Public service ethos kept."), (3, "A charity with a public "
                                                              "purpose in its objects."),
                          (3, "Two councils' values, to be reconciled."),
                          (1, "Closures fall hardest on the poorest wards."))),
        Row("outcomes", 12, ((3, "Visits steady at 1.1 million a year."),
                             (4, "Trust plans longer opening and a children's reading "
                                 "programme."),
                             (3, "Similar outcomes, with joint stock."),
                             (1, "Visits expected to fall by a third in the affected "
                                 "areas."))),
        Row("staff", 8, ((4, "No change for 140 staff."),
                         (3, "Staff transfer under TUPE with LGPS admitted-body status."),
                         (2, "Staff transfer to the host council; two sets of terms at first."),
                         (1, "Around 30 posts deleted."))),
        Row("users", 10, ((3, "Consultation: users value the branches as they are."),
                          (3, "Consultation: support for a trust if branches stay open."),
                          (2, "Users worry decisions move to the neighbour's town hall."),
                          (0, "Consultation strongly opposed closures."))),
        Row("voluntary-sector", 4, ((2, "Friends groups support branches."),
                                    (4, "The trust board includes local groups and users."),
                                    (2, "No change."),
                                    (2, "Community groups offered two buildings."))),
        Row("collaboration", 4, ((2, "No change."), (3, "Partnerships with schools and the "
                                                      "NHS through the trust."),
                                 (4, "A partnership with the neighbour by design."),
                                 (1, "None."))),
        Row("challenge", 3, ((1, "No change."), (3, "A new model."), (3, "A new model."),
                             (2, "Rethinks the branch network only."))),
        Row("long-term", 8, ((1, "Unaffordable after 2027."),
                             (3, "Five-year agreement; charitable rate relief and grants."),
                             (3, "Sustainable if the neighbour agrees."),
                             (2, "Saves money, loses the buildings."))),
        Row("radical", 2, ((0, "No change."), (3, "A spin-out."), (3, "Shared service."),
                           (1, "Cuts."))),
        Row("perseverance", 3, ((2, "Nothing to see through."),
                                (3, "An 18-month transition plan."),
                                (2, "Depends on the neighbour's timetable."),
                                (2, "Closures are quick to do."))),
        Row("strategic-fit", 10, ((2, "The council plan asks for a sustainable service."),
                                  (4, "Fits the plan and the community wealth strategy."),
                                  (3, "Fits the shared-services strategy."),
                                  (1, "Conflicts with the council plan's literacy aim."))),
        Row("value-for-money", 12, ((2, "Cost per visit £3.10, above the CIPFA average."),
                                    (4, "Business rates relief and grant income lower the net "
                                        "cost by about 12%."),
                                    (3, "Joint management saves about 7%."),
                                    (3, "Saves 18% of the budget, with lost visits."))),
        Row("supplier-capacity", 6, ((4, "The council runs it today."),
                                     (3, "The shadow trust board is recruited; the "
                                         "management team transfers."),
                                     (2, "The neighbour is restructuring its own service."),
                                     (4, "The council runs it."))),
        Row("affordability", 12, ((1, "A gap of £1.4m a year from 2027."),
                                  (3, "Within the budget from year two, after £350k set-up."),
                                  (2, "Within the budget only if the neighbour shares "
                                      "costs."),
                                  (4, "Within the budget."))),
        Row("achievability", 8, ((4, "Nothing to do."),
                                 (3, "Charity registration and the transfer take 18 months."),
                                 (1, "No agreement yet from the neighbour's cabinet."),
                                 (3, "Closures need consultation and a notice period."))),
        Row("statutory-service", 10, ((4, "Comprehensive and efficient today."),
                                      (4, "The funding agreement requires all eleven branches "
                                          "and the s7 standard."),
                                      (3, "Comprehensive across both areas, if agreed."),
                                      (0, "The north of the county would be left without "
                                          "reasonable access.")),
            must_pass=True, title="A comprehensive and efficient service (1964 Act s7)"),
    ),
)

HIGHWAYS = Example(
    "highways-maintenance",
    "Highways maintenance from April 2027: re-let the contract or bring it in-house",
    "Bring highways maintenance in-house when the term contract ends in March 2027, with the "
    "depot, fleet and about 180 staff transferring to the council.",
    (Option("Re-let the term maintenance contract", "rejected", "outsource",
            "Prices in the last market test rose sharply, with two bidders; the council would "
            "bear the inflation risk again."),
     Option("Bring highways maintenance in-house", "recommended", "in-house")),
    (LongListEntry("Re-let the term contract", True, "The baseline: the council has "
                   "contracted the service since 2012."),
     LongListEntry("Bring the service in-house", True, "Several councils have brought "
                   "highways back in-house since 2020."),
     LongListEntry("A joint venture with a contractor", False,
                   "No contractor came forward at the market day, and it takes three years."),
     LongListEntry("A shared service with the neighbouring county", False,
                   "Its own contract runs to 2031."),
     LongListEntry("Split the contract into lots", False,
                   "Folded into the re-let option as its lotting strategy.")),
    (
        Row("values", 4, ((3, "A contract with the council's code of conduct built in."),
                          (3, "Direct employment under the council's values."))),
        Row("outcomes", 12, ((3, "Road condition indicators stable over the contract."),
                             (3, "Same crews, same work: no change expected in year one."))),
        Row("staff", 8, ((3, "Staff stay with the contractor."),
                         (3, "About 180 staff transfer under TUPE; pensions through LGPS "
                             "admission."))),
        Row("users", 8, ((2, "Complaints go through the contractor first."),
                         (3, "Residents report to the council directly."))),
        Row("voluntary-sector", 1, ((2, "Contractor's community days."),
                                    (2, "Parish lengthsman scheme kept."))),
        Row("collaboration", 3, ((2, "Collaboration through the contract."),
                                 (3, "Works with the neighbouring county's depot on winter "
                                     "cover."))),
        Row("challenge", 3, ((2, "A new specification."), (3, "A new operating model."))),
        Row("long-term", 8, ((3, "A seven-year term with extensions."),
                             (3, "Owns the depot and fleet for the long term."))),
        Row("radical", 1, ((1, "As before."), (3, "A change of model."))),
        Row("perseverance", 2, ((2, "A 12-month procurement."),
                                (2, "An 18-month mobilisation."))),
        Row("strategic-fit", 10, ((3, "Fits the procurement strategy."),
                                  (3, "Fits the council plan's direct delivery aim."))),
        Row("value-for-money", 16, ((2, "Last market test: prices up 24% on the current "
                                        "rates."),
                                    (3, "Business case: 6% cheaper a year after the "
                                        "contractor's margin, with fleet costs."))),
        Row("supplier-capacity", 10, ((3, "Two or three national contractors could bid."),
                                      (2, "The council must recruit a management team and "
                                          "buy or lease a fleet."))),
        Row("affordability", 12, ((3, "Within the budget at the tendered rates."),
                                  (2, "£2.1m one-off for fleet and systems, from the capital "
                                      "programme."))),
        Row("achievability", 10, ((4, "A routine procurement under the Procurement Act "
                                      "2023."),
                                  (2, "A tight 18 months to mobilise before April 2027."))),
        Row("winter-service", 8, ((3, "Winter service in the specification, with "
                                      "penalties."),
                                  (3, "Winter rota kept; mutual aid with the neighbouring "
                                      "county.")),
            must_pass=True, title="Winter service and emergency response (Highways Act "
                                  "1980 s41)"),
    ),
)

EXAMPLES = (BARNET, LIBRARIES, HIGHWAYS)
