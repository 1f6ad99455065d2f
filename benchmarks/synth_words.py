"""Word lists and sentence templates that synth.py draws its realistic text from."""

from __future__ import annotations

# fmt: off
SYSTEMS = [
    "CRM", "ERP", "Data Warehouse", "Identity Platform", "Service Desk", "Payroll",
    "Network Core", "Document Management", "Customer Portal", "Billing Engine",
    "HR System", "General Ledger", "Mobile App", "API Gateway", "Email Platform",
    "Backup Service", "VDI Estate", "Analytics Platform", "Procurement System",
    "Case Management", "Contact Centre", "Integration Bus", "Data Centre", "Campus Wi-Fi",
    "Telephony", "Laptop Fleet", "Test Environments", "Monitoring Stack", "Asset Register",
    "Intranet", "Records Archive", "Field Service App", "Pricing Engine", "Data Lake",
]
ACTIONS = [
    "Replatforming", "Migration", "Upgrade", "Consolidation", "Modernisation", "Rollout",
    "Decommissioning", "Refresh", "Replacement", "Hardening", "Cloud Move",
    "Re-architecture", "Automation", "Harmonisation",
]
TITLE_SUFFIXES = [
    "", "", "", "", "", "", " (Phase 2)", " \u2013 Wave 3", " & Reporting", ": Pilot",
    " for Finance", " \"Lift & Shift\"", " #2",
]
THEMES = [
    "Customer Experience", "Workplace Modernisation", "Data & Analytics",
    "Cloud Foundation", "Security Uplift", "Finance Transformation", "Digital Channels",
    "Network Renewal", "Operational Resilience", "Regulatory Compliance",
    "Supply Chain Digitalisation", "Employee Services",
]
ROMAN = ["", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X"]
OBJECTIVES = [
    ("obj-cost", "Reduce run cost of IT by 15%",
     "Retire duplicate platforms and renegotiate the largest supplier contracts."),
    ("obj-cloud", "Move 70% of workloads to cloud",
     "Exit the two owned data centres before their leases end."),
    ("obj-security", "Meet the security baseline everywhere",
     "Close every critical audit finding and enforce MFA for all staff."),
    ("obj-customer", "Make self-service the first choice",
     "Half of customer contacts resolved online without an agent."),
    ("obj-data", "Trusted data for every decision",
     "One governed source for the twenty KPIs the board reads."),
    ("obj-people", "A modern workplace for 8,000 staff",
     "Devices, collaboration tools and HR services people actually like."),
]
FIRST = [
    "Dana", "Omar", "Priya", "Lars", "Mei", "Tomás", "Aisha", "Jonas", "Chloé", "Ravi",
    "Ingrid", "Kwame", "Sofia", "Hiroshi", "Fatima", "Liam", "Zoë", "Mateo", "Anika", "Noah",
    "Elif", "Pavel", "Grace", "Yusuf", "Marta", "Connor", "Leila", "Björn", "Ana", "Samuel",
    "Nadia", "Felix", "Rosa", "Arjun", "Hannah", "Diego", "Olga", "Kenji", "Amara", "Luca",
]
LAST = [
    "Reyes", "Haddad", "Sharma", "Eriksen", "Chen", "García", "Okafor", "Weber", "Martin",
    "Patel", "Lindqvist", "Mensah", "Rossi", "Tanaka", "Benali", "O'Brien", "Müller", "Silva",
    "Novak", "Kowalski", "Byrne", "Yilmaz", "Nakamura", "Dubois", "Fischer", "Andersson",
    "Costa", "Ivanova", "Kim", "Nguyen", "Moreau", "Janssen", "Ahmed", "Schmidt", "Hughes",
    "Romero", "Virtanen", "Popescu", "Walsh", "Da Silva",
]
TEAMS = [
    "Infrastructure", "Applications", "Data", "Security", "Service Management",
    "Architecture", "Digital", "Finance IT", "Workplace", "Networks", "PMO",
]
TEAM_ROLES = [
    "Business Analyst", "Solution Architect", "Developer", "Test Lead", "Change Manager",
    "Data Engineer", "Infrastructure Engineer", "Security Analyst", "Scrum Master",
    "Service Owner", "Trainer", "UX Designer",
]
STAKEHOLDER_ROLES = [
    "Head of Operations", "Finance Director", "Customer Service Lead", "Works Council",
    "Internal Audit", "Regional Manager", "Data Protection Officer", "Procurement Lead",
]
VENDORS = ["Northwind", "Contoso", "Fabrikam", "Initech", "Globex", "Umbrella IT", "Tailspin"]
MILESTONE_NAMES = [
    "Business case approved", "Requirements signed off", "Vendor selected",
    "Design authority approval", "Build complete", "Data migration rehearsal",
    "System integration test exit", "User acceptance test exit", "Training delivered",
    "Go-live", "Hypercare complete", "Legacy decommissioned",
]
SCOPE_WORK = ["design", "build", "data migration", "testing", "training", "hypercare"]
PROJECT_TAGS = ["cloud", "security", "data", "customer", "compliance", "cost", "workplace"]
LESSON_TAGS = ["vendor", "testing", "data", "comms", "budget"]
LEVELS = ["low", "medium", "high"]
RISK_TITLES = [
    "Key {role} may leave before {system} go-live",
    "{vendor} delivery slips past the contract date",
    "Data quality in the legacy {system} is worse than assumed",
    "Licence costs rise at renewal",
    "Business users unavailable for acceptance testing in {month}",
    "Security review finds gaps late in the {system} build",
    "Integration with the {other} is more complex than estimated",
    "Change freeze over year end compresses the plan",
    "Regulatory guidance on data residency changes",
    "Performance under peak load not proven",
]
ISSUE_TITLES = [
    "Test environment for {system} unavailable for {n} days",
    "{vendor} missed the sprint {n} delivery",
    "Budget transfer for {month} not yet approved",
    "Interface specification with the {other} disputed",
    "Two critical defects open after regression testing",
    "Single sign-on fails for contractors",
]
LESSON_TITLES = [
    "Engage the {other} team earlier",
    "Dress rehearsals caught most migration defects",
    "Fixed-price contract with {vendor} limited flexibility",
    "Weekly demos kept sponsors engaged",
    "Underestimated effort for data cleansing",
    "Hypercare staffing was right-sized",
    "Training too close to go-live",
]
LESSON_CATEGORIES = [
    "planning", "procurement", "testing", "stakeholders", "data", "governance", "people",
]
SENTENCES_BACKGROUND = [
    "The {system} has been in service since {year} and is now out of vendor support.",
    "Operating the current {system} costs roughly {money} a year, most of it in licences.",
    "Users report slow response times and frequent outages, especially at month end.",
    "An audit in {year} raised {m} findings against the {system}, {n} of them rated high.",
    "The {team} team supports it with a handful of specialists who are hard to replace.",
    "Several manual workarounds have grown around it; nobody fully understands them.",
    "The business wants changes delivered in weeks, not quarters.",
    "The contract with {vendor} ends in {month} {year2}, which sets a hard deadline.",
]
SENTENCES_GOAL = [
    "This project will replace the {system} with a supported, standard product.",
    "We will migrate all active records and retire the old platform once it is stable.",
    "Success means fewer incidents, a lower run cost and happier users.",
    "Scope covers design, build, data migration, testing, training and hypercare.",
    "Custom code will be kept to the minimum the business can justify.",
    "The new service will be operated by the {team} team after handover.",
    "We aim to keep the number of interfaces below {n} by using the integration layer.",
]
SENTENCES_DONE = [
    "Completed the {phase} workshops with {n} business areas.",
    "Closed {n} of the {m} open defects from the last test cycle.",
    "Signed the statement of work with {vendor}.",
    "Ran the second data migration rehearsal; {pct}% of records loaded first time.",
    "Delivered the design pack to the design authority.",
    "Onboarded {n} new team members and completed their security clearance.",
    "Demonstrated the {system} prototype to the steering group, who liked it.",
    "Agreed the cut-over window with operations.",
]
SENTENCES_NEXT = [
    "Finish the integration tests with the {other} by {date}.",
    "Prepare the go/no-go checklist for the steering committee.",
    "Start user acceptance testing with the pilot group.",
    "Confirm the training schedule with the regional managers.",
    "Recruit a second {role} to relieve the bottleneck.",
    "Re-baseline the plan once the vendor confirms the new dates.",
]
SENTENCES_ISSUES = [
    "Environment availability is still the main constraint.",
    "The {vendor} team is short of one {role}.",
    "Budget is tight because of the licence true-up.",
    "Nothing significant beyond the items in the risk log.",
    "Waiting on a decision about the data retention period.",
]
PATHS_TO_GREEN = [
    "Secure an extra {role} from {team} by {date} and recover two weeks of float.",
    "Agree the revised delivery plan with {vendor} at the next steering committee.",
    "Approve the budget transfer so that testing can continue without a gap.",
    "Descope the reporting module to release 2 and protect the go-live date.",
    "Escalate the environment shortage to the CIO and get a dedicated test slot.",
]
DECISION_TITLES = [
    "Adopt {vendor} as the strategic supplier for the {system}",
    "Use the shared integration layer for all new interfaces",
    "Host the {system} in the public cloud (EU regions only)",
    "Retire the legacy {system} after a 90-day parallel run",
    "Standardise on single sign-on for every new application",
    "Fund hypercare from the program contingency",
    "Move to quarterly releases for the {system}",
]
CONTEXT_SENTENCES = [
    "Three options were assessed against cost, risk and time to value.",
    "The program board asked for a single approach across projects.",
    "Two projects were solving the same problem in different ways.",
    "The current arrangement expires and must be renewed or replaced.",
    "Security and architecture both raised concerns about the status quo.",
]
DECISION_SENTENCES = [
    "We adopt the recommended option from the options paper.",
    "The board approved the option with the lowest delivery risk, not the cheapest one.",
    "All projects in the program follow this approach from the next release onward.",
    "Exceptions need the approval of the design authority and are reviewed every quarter.",
]
BENEFITS = [  # title, metric, unit, direction (+1: target above baseline)
    ("Fewer incidents on the {system}", "incidents per month", "count", -1),
    ("Lower cost per transaction", "cost per transaction", "EUR", -1),
    ("More customer contacts resolved online", "self-service rate", "%", 1),
    ("Staff time saved by automation", "hours saved per week", "hours", 1),
    ("Faster month-end close", "days to close the books", "days", -1),
]
CONSEQUENCE_SENTENCES = [
    "Projects must update their plans within one month.",
    "Some rework is needed in the projects that started earlier.",
    "Run costs fall from the second year onward.",
    "The architecture team owns the standard and its exceptions.",
    "Existing contracts are not renewed when they expire.",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]
# fmt: on
