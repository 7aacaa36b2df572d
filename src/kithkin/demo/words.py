"""The words of the demo network: names, organisations, story fragments, subjects.

Every name, organisation and sentence here is written for kithkin and fictional; domains use
the reserved `.example` top-level domain. Name lists hold "Name/g" tokens where g is the
pronoun set (f: she/her, m: he/his, x: they/their); a surname with /f or /m only goes with
that gender (Polish, Czech and Greek surnames change with it).
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Origin(NamedTuple):
    given: str
    family: str
    cities: str
    language: str


ORIGINS: Final[tuple[Origin, ...]] = (
    Origin(
        "Emma/f Olivia/f Grace/f Hannah/f Megan/f Sarah/f James/m Thomas/m Daniel/m Matthew/m "
        "Ryan/m Oliver/m Jordan/x Sam/x",
        "Whitaker Fletcher Harlow Pembroke Carver Ashworth Langley Thornton Holloway Prescott",
        "Manchester;Leeds;Bristol;Pittsburgh;Columbus;Melbourne;Denver",
        "English",
    ),
    Origin(
        "Siobhan/f Niamh/f Aoife/f Fiona/f Ciaran/m Eoin/m Callum/m Declan/m Rory/x",
        "O'Sullivan Gallagher MacLeod Byrne Doherty Kennedy Campbell Fraser",
        "Cork;Galway;Glasgow;Aberdeen;Limerick",
        "Irish",
    ),
    Origin(
        "Camille/x Léa/f Manon/f Claire/f Élodie/f Julien/m Antoine/m Mathieu/m Nicolas/m",
        "Lefèvre Moreau Girard Fontaine Rousseau Chevalier Marchand Dubois",
        "Lyon;Nantes;Bordeaux;Lille;Toulouse;Grenoble",
        "French",
    ),
    Origin(
        "Anna/f Katrin/f Lena/f Sanne/f Femke/f Maximilian/m Jonas/m Lukas/m Pieter/m Jeroen/m",
        "Becker Hoffmann Schreiber Vogel de_Vries van_Dijk Jansen Bakker Krüger",
        "Hamburg;Cologne;Leipzig;Utrecht;Rotterdam;Eindhoven",
        "German",
    ),
    Origin(
        "Ingrid/f Astrid/f Sigrid/f Freja/f Aino/f Magnus/m Henrik/m Lars/m Mikkel/m Eero/m",
        "Lindqvist Halvorsen Nyberg Sørensen Virtanen Berg Dahl Holm",
        "Bergen;Gothenburg;Aarhus;Tampere;Uppsala",
        "Norwegian",
    ),
    Origin(
        "Lucía/f Carmen/f Valentina/f Sofía/f Camila/f Javier/m Diego/m Alejandro/m Mateo/m",
        "García Morales Navarro Ortega Castillo Herrera Vega Ramírez Delgado",
        "Valencia;Seville;Bilbao;Monterrey;Bogotá;Santiago;Buenos Aires",
        "Spanish",
    ),
    Origin(
        "Beatriz/f Inês/f Mariana/f Larissa/f João/m Tiago/m Rafael/m Gabriel/m",
        "Ferreira Carvalho Almeida Ribeiro Costa Pereira Sousa Teixeira",
        "Porto;Braga;Coimbra;Recife;Curitiba;Belo Horizonte",
        "Portuguese",
    ),
    Origin(
        "Giulia/f Chiara/f Francesca/f Elena/f Alessandro/m Marco/m Lorenzo/m Matteo/m",
        "Rossi Bianchi Conti Marino Greco Bruno Ricci Lombardi",
        "Turin;Bologna;Naples;Verona;Bari",
        "Italian",
    ),
    Origin(
        "Agnieszka/f Katarzyna/f Zuzana/f Tereza/f Łukasz/m Piotr/m Tomáš/m Marek/m Ondřej/m",
        "Nowak Kaczmarek Wójcik Mazur Krawczyk Zieliński/m Zielińska/f Novák/m Nováková/f "
        "Dvořák/m Dvořáková/f",
        "Kraków;Wrocław;Gdańsk;Brno;Poznań",
        "Polish",
    ),
    Origin(
        "Eleni/f Dimitra/f Katerina/f Nikos/m Giorgos/m Kostas/m",
        "Papadopoulos/m Papadopoulou/f Georgiou Alexiou Nikolaidis/m Nikolaidou/f",
        "Thessaloniki;Patras;Heraklion",
        "Greek",
    ),
    Origin(
        "Elif/f Zeynep/f Ayşe/f Emre/m Mehmet/m Burak/m Deniz/x",
        "Yılmaz Demir Şahin Aydın Öztürk Kaya Çelik",
        "Izmir;Ankara;Bursa;Istanbul",
        "Turkish",
    ),
    Origin(
        "Layla/f Nour/f Yasmin/f Rania/f Omar/m Karim/m Tariq/m Hassan/m",
        "Haddad Khalil Mansour Nasser Saleh Farouk Hamdan Aziz",
        "Beirut;Amman;Cairo;Casablanca;Tunis",
        "Arabic",
    ),
    Origin(
        "Shirin/f Parisa/f Neda/f Dariush/m Kaveh/m Arash/m",
        "Tehrani Rahimi Karimi Farahani Moradi",
        "Tehran;Isfahan;Shiraz",
        "Farsi",
    ),
    Origin(
        "Priya/f Ananya/f Kavya/f Meera/f Deepa/f Rohan/m Arjun/m Vikram/m Sanjay/m Nikhil/m",
        "Sharma Iyer Nair Reddy Menon Kulkarni Chatterjee Gupta Desai Rao",
        "Pune;Chennai;Bengaluru;Kolkata;Hyderabad;Kochi;Ahmedabad",
        "Hindi",
    ),
    Origin(
        "Mei/f Xiaoling/f Yan/f Jing/f Wei/m Jun/m Hao/m Lei/m",
        "Zhang Liu Chen Huang Zhou Lin Wu Tang",
        "Chengdu;Hangzhou;Wuhan;Shenzhen;Taipei;Singapore",
        "Mandarin",
    ),
    Origin(
        "Haruka/f Aiko/f Sakura/f Yuki/x Kenji/m Takeshi/m Hiroshi/m Daisuke/m",
        "Tanaka Sato Watanabe Nakamura Kobayashi Yamamoto Ishikawa",
        "Osaka;Fukuoka;Sapporo;Nagoya;Kyoto",
        "Japanese",
    ),
    Origin(
        "Ji-woo/f Seo-yeon/f Soo-ah/f Min-jun/m Hyun-woo/m Dong-hyun/m",
        "Kim Park Lee Choi Jung Kang Yoon",
        "Busan;Incheon;Daejeon;Seoul",
        "Korean",
    ),
    Origin(
        "Linh/f Thu/f Minh/m Quang/m Tuan/m Anh/x",
        "Nguyen Tran Le Pham Vo Dang",
        "Hanoi;Da Nang;Hue;Ho Chi Minh City",
        "Vietnamese",
    ),
    Origin(
        "Maricel/f Joy/f Bea/f Paolo/m Miguel/m",
        "Santos Reyes Dela_Cruz Bautista Villanueva Mendoza",
        "Cebu;Manila;Davao;Iloilo",
        "Tagalog",
    ),
    Origin(
        "Adaeze/f Chiamaka/f Ngozi/f Efua/f Tunde/m Kwame/m Emeka/m Kofi/m Yaw/m",
        "Okafor Adeyemi Mensah Boateng Okonkwo Asante Eze Balogun",
        "Lagos;Accra;Kumasi;Ibadan;Enugu;Abuja",
        "Yoruba",
    ),
    Origin(
        "Wanjiru/f Achieng/f Makena/f Amani/x Kamau/m Tesfaye/m Dawit/m Otieno/m",
        "Mwangi Kariuki Haile Tadesse Njoroge Wekesa Bekele Odhiambo",
        "Nairobi;Mombasa;Addis Ababa;Kisumu;Arusha",
        "Swahili",
    ),
    Origin(
        "Noa/f Tamar/f Yael/f Eitan/m Avi/m Oren/m",
        "Levi Mizrahi Friedman Shapiro Ben-David Katz",
        "Haifa;Tel Aviv;Jerusalem",
        "Hebrew",
    ),
    Origin(
        "Oksana/f Olena/f Iryna/f Dmytro/m Andriy/m Taras/m",
        "Shevchenko Kovalenko Bondarenko Tkachenko Melnyk Kravets",
        "Kyiv;Lviv;Odesa;Kharkiv",
        "Ukrainian",
    ),
)

HUBS: Final = (
    (
        "London Amsterdam New_York Toronto Singapore Berlin Paris Dublin Sydney Chicago Madrid "
        "Zurich Stockholm Boston Lisbon Copenhagen"
    )
    .replace("_", " ")
    .split()
)


def _items(text: str) -> tuple[str, ...]:
    return tuple(text.split(";"))


class Org(NamedTuple):
    name: str
    domain: str
    kind: str  # enterprise, public, vendor, search, consultancy, vc, university, nonprofit, startup
    sector: str


ME_NAME: Final = "Alex Morgan"
ME_ORG: Final = Org("Harbourline Logistics", "harbourline.example", "mine", "logistics")
ME_ADDRESSES: Final = ("alex.morgan@harbourline.example", "alex@morgan-home.example")
BOARD_ORG: Final = "Brightwater Health"  # where I sit on the board

ORGS: Final[tuple[Org, ...]] = (
    ME_ORG,
    Org("Calder Mutual Insurance", "calder-mutual.example", "enterprise", "insurance"),
    Org("Brightwater Health", "brightwater-health.example", "enterprise", "healthcare"),
    Org("Fenwick & Rowe Bank", "fenwickrowe.example", "enterprise", "banking"),
    Org("Kestrel & Finch Foods", "kestrelfinch.example", "enterprise", "food"),
    Org("Lumen Rail", "lumenrail.example", "enterprise", "transport"),
    Org("Tidewater Utilities", "tidewater-utilities.example", "enterprise", "energy"),
    Org("Greyfield Pharmaceuticals", "greyfield-pharma.example", "enterprise", "pharma"),
    Org("Osprey Air", "ospreyair.example", "enterprise", "aviation"),
    Org("Northgate Retail Group", "northgate-retail.example", "enterprise", "retail"),
    Org("Quillon Media", "quillon.example", "enterprise", "media"),
    Org("Vantmoor Mills", "vantmoor.example", "enterprise", "manufacturing"),
    Org("Bellhaven Hotels", "bellhaven.example", "enterprise", "hospitality"),
    Org("Corvane Telecom", "corvane.example", "enterprise", "telecoms"),
    Org("Saltmarsh Shipping", "saltmarsh-shipping.example", "enterprise", "shipping"),
    Org("Ironbridge Construction", "ironbridge-build.example", "enterprise", "construction"),
    Org("Meridale Pensions", "meridale.example", "enterprise", "pensions"),
    Org("Aurelis Cosmetics", "aurelis.example", "enterprise", "consumer goods"),
    Org("Cobaltline Automotive", "cobaltline.example", "enterprise", "automotive"),
    Org("Hollis & Vane", "hollisvane.example", "enterprise", "legal"),
    Org("Riverton Water", "riverton-water.example", "enterprise", "utilities"),
    Org("Stackwise Cloud", "stackwise.example", "vendor", "cloud"),
    Org("Gridlock Security", "gridlock-sec.example", "vendor", "security"),
    Org("Parallax Data", "parallaxdata.example", "vendor", "data"),
    Org("Tessellate Software", "tessellate.example", "vendor", "software"),
    Org("Nimbus Forge", "nimbusforge.example", "vendor", "infrastructure"),
    Org("Bramble ERP", "bramble-erp.example", "vendor", "ERP"),
    Org("Lanternfish Networks", "lanternfish.example", "vendor", "networking"),
    Org("Whitcombe Search Partners", "whitcombe.example", "search", "executive search"),
    Org("Ashdown Executive Search", "ashdown-search.example", "search", "executive search"),
    Org("Orrery Advisory", "orrery-advisory.example", "consultancy", "consulting"),
    Org("Keystone & Pike Consulting", "keystonepike.example", "consultancy", "consulting"),
    Org("Longshore Ventures", "longshore.example", "vc", "venture capital"),
    Org("Bluebell Capital", "bluebell-capital.example", "vc", "venture capital"),
    Org("University of Eastmere", "eastmere.example", "university", "education"),
    Org("Halvard Institute of Technology", "halvard.example", "university", "education"),
    Org("Brackenridge Business School", "brackenridge.example", "university", "education"),
    Org("City of Riverton", "riverton-city.example", "public", "local government"),
    Org("Eastmere County Council", "eastmere-county.example", "public", "local government"),
    Org("National Transport Data Office", "ntdo.example", "public", "central government"),
    Org("Port Authority of Saltmarsh", "saltmarsh-port.example", "public", "ports"),
    Org("Public Health Data Service", "phds.example", "public", "health"),
    Org("CIO Forum", "cioforum.example", "nonprofit", "association"),
    Org("Women in Tech Leadership Circle", "witlc.example", "nonprofit", "association"),
    Org("Code for Riverton", "codeforriverton.example", "nonprofit", "civic tech"),
    Org("Harbour Food Bank", "harbourfoodbank.example", "nonprofit", "charity"),
    Org("Fernwave Robotics", "fernwave.example", "startup", "robotics"),
    Org("Plainsight AI", "plainsight.example", "startup", "AI"),
    Org("Tilde Health", "tildehealth.example", "startup", "health tech"),
    Org("Copperleaf Payments", "copperleaf.example", "startup", "payments"),
)

TITLES: Final[dict[str, str]] = {
    "cio": "CIO;CIO;Chief Information Officer;Group CIO;Chief Digital Officer;IT Director",
    "tech": "CTO;CISO;VP Engineering;Head of Data;Chief Data Officer;Director of IT Operations;"
    "Head of Infrastructure;Enterprise Architect;Head of Digital Workplace;Head of Procurement;"
    "Head of Platform Engineering;Director of Applications",
    "junior": "IT Manager;Head of Service Desk;Engineering Manager;Security Lead;Data Lead",
    "public": "Chief Digital Officer;Director of Digital Services;CIO;Head of Cyber Security;"
    "Chief Data Officer;Deputy Director, Technology",
    "vendor": "Account Executive;Regional Sales Director;Customer Success Manager;Field CTO;"
    "Partner Manager;Founder & CEO",
    "search": "Partner;Principal, Technology Practice;Managing Director;Senior Researcher",
    "consultancy": "Partner;Managing Director;Principal Consultant;Senior Manager",
    "vc": "Partner;Principal;Venture Partner;Operating Partner",
    "university": "Professor of Computer Science;Professor of Information Systems;"
    "Dean of Engineering;Head of Research Computing;Lecturer in Data Science;"
    "Director of Executive Education;CIO",
    "nonprofit": "Executive Director;Chair;Programme Lead;Volunteer Coordinator;Treasurer",
    "startup": "Founder & CEO;Co-founder & CTO;Head of Growth;Founding Engineer",
    "board": "Non-executive Director;Board Chair;Non-executive Director;Chief Executive",
    "none": "Independent Advisor;Retired CIO;Author and speaker;Between roles;Fractional CTO",
    "mine": "CTO;CISO;Head of Data;VP Engineering;CFO;Chief Executive;Head of Infrastructure",
}

REGIONS: Final = _items(
    "Europe;Americas;Asia Pacific;UK & Ireland;Nordics;Retail;Corporate Functions;Operations"
)

# (how many, organisation kind, title list, tags); "mine" is my own company, "none" no org.
ROLES: Final = (
    (7, "mine", "mine", ("team",)),
    (42, "enterprise", "cio", ("cio-forum",)),
    (30, "enterprise", "cio", ()),
    (66, "enterprise", "tech", ()),
    (5, "enterprise", "junior", ("mentee",)),
    (12, "public", "public", ("cio-forum",)),
    (16, "public", "public", ()),
    (36, "vendor", "vendor", ("vendor",)),
    (10, "search", "search", ("recruiter",)),
    (14, "consultancy", "consultancy", ()),
    (7, "vc", "vc", ("investor",)),
    (22, "university", "university", ()),
    (16, "nonprofit", "nonprofit", ("community",)),
    (16, "startup", "startup", ("founder",)),
    (6, "board", "board", ("board",)),
    (8, "none", "none", ()),
)

SUBJECTS: Final = (
    "Quick question about {topic}",
    "Your view on {topic}?",
    "Coffee next week?",
    "Catching up",
    "Thanks for yesterday",
    "Slides from the roundtable",
    "Following up on our call",
    "Dinner in {city}?",
    "{topic}: what we learned",
    "Reading list on {topic}",
    "Speaking at the CIO Forum?",
    "Congratulations on the new role!",
    "Draft agenda for the next session",
    "Reference for a {role} candidate",
    "Article you might like: {topic}",
    "Checking in",
)
VENDOR_SUBJECTS: Final = (
    "Your roadmap for {topic}",
    "Invitation: executive briefing on {topic}",
    "Following up: {topic} demo",
    "Your renewal is coming up",
    "15 minutes next week?",
)
UPCOMING: Final = (
    "Coffee with {0}",
    "Quarterly catch-up",
    "Catch-up with {0}",
    "Intro call with {0}",
    "Roadmap review",
    "Lunch with {0}",
)
RECRUITER_SUBJECTS: Final = (
    "Confidential: {role} role at a {sector} group",
    "Would you know someone for a {role} search?",
    "Market update: technology leadership",
)
TOPICS: Final = _items(
    "zero trust;GenAI policy;the ERP migration;SOC 2;FinOps;platform engineering;"
    "vendor consolidation;data mesh;a ransomware tabletop;hiring a Head of Data;"
    "the offshore delivery centre;OKRs for IT;leaving the mainframe;the digital workplace;"
    "cyber insurance;observability;the service desk;IT budgeting;the board's cyber questions;"
    "succession planning;AI copilots for developers;cloud exit plans;data retention"
)
PLACES: Final = _items(
    "Bar Centrale;the Roastery on Dock Street;the Quayside Deli;Harbour Kitchen;"
    "the Old Customs House café;Marlowe's;the station café;the hotel lobby;their office canteen"
)
ROLES_WANTED: Final = ("CISO", "Head of Data", "CIO", "VP Engineering", "Head of Architecture")

DOCS: Final = _items(
    "vendor scorecard;cloud cost dashboard;incident review template;hiring plan;"
    "board paper on cyber risk;AI usage policy;IT strategy one-pager;RFP template"
)
CALLS: Final = ("1:1 call", "video call")
OPENERS: Final = ("Talked about", "Compared notes on", "Mostly about", "Swapped stories on")
LOOPS: Final = (
    "{Subj} offered to introduce me to someone at {org}.",
    "I promised to send our {doc}.",
    "{Subj} asked for a reference for a {role} candidate.",
    "Agreed to meet again after the summer.",
    "I owe {obj} feedback on the {doc}.",
    "{Subj} is hiring a {role}; I said I would think of names.",
)
NOTE_TOUCHES: Final = (
    "Saw {pos} post about {topic}; worth a reply.",
    "Reminder: ask about {topic} next time.",
    "Read {pos} interview on {topic}.",
    "Heard {subj} spoke well at the Riverton Tech Week panel.",
)

EVENTS: Final = _items(  # by season: winter, spring, summer, autumn
    "CIO Forum winter dinner;CIO Forum spring dinner;CIO Forum summer garden party;"
    "CIO Forum autumn dinner"
)
CONFERENCES: Final = _items(
    "Data Leaders Summit;Riverton Tech Week;Public Sector Digital Expo;Security Leaders Day"
)

# Story fragments. {pos}/{obj}: her, his, their / her, him, them.
WORK: Final = (
    "{title} at {org}; runs a team of {n} people across {k} countries.",
    "Leading {org}'s move off the mainframe; two years in, one to go.",
    "Joined {org} in {year} after {n2} years at {prev}.",
    "Responsible for {initiative} at {org}.",
    "Reports to the CEO of {org} and owns IT, data and security.",
    "Building a data platform team from scratch at {org}.",
    "Spends half {pos} week with customers; wants {org}'s IT to be a product, not a service.",
)
INITIATIVES: Final = _items(
    "the ERP replacement;the zero-trust programme;the move to a product operating model;"
    "the GenAI pilots;consolidating fourteen data centres into two;the customer data platform;"
    "ransomware recovery planning;the new electronic patient record"
)
ORIGIN: Final = (
    "Grew up in {city} and moved to {hub} for {pos} first job.",
    "Born and raised in {city}; still goes back every summer to see family.",
    "Grew up in {city}, the first in {pos} family to go to university.",
    "From {city}; came to {hub} on a student exchange and never left.",
    "Grew up on a farm outside {city}; learned to code on a hand-me-down laptop.",
    "Spent {pos} childhood in {city}; speaks {language} with {pos} parents.",
    "Grew up in {city}, where {pos} mother ran a small bakery.",
)
EDUCATION: Final = (
    "Studied {subject} at {uni}.",
    "Did an MBA at {uni} in the evenings while working full-time.",
    "Has a PhD in {subject} from {uni}; the thesis was on {thesis}.",
    "Left {uni} after two years to join a startup; self-taught since then.",
    "Studied {subject} in {city}, then a master's in {subject2} at {uni}.",
    "Went to night school for {subject} while working on a service desk.",
)
UNIVERSITIES: Final = _items(
    "the University of Eastmere;Halvard Institute of Technology;Brackenridge Business School;"
    "St. Aldric's College;Northfield Polytechnic;Kingsreach University;"
    "the Lowmoor School of Economics;Tamsin Technical University"
)
SUBJECTS_STUDIED: Final = _items(
    "computer science;electrical engineering;mathematics;physics;economics;philosophy;history;"
    "music;chemistry;industrial design;statistics;linguistics;accounting;law"
)
THESES: Final = _items(
    "distributed databases;queueing theory;medieval trade routes;protein folding;"
    "speech recognition;error-correcting codes"
)
PASSIONS: Final = (
    "Sails on weekends in a 22-foot sailboat called Second Wind.",
    "Runs marathons; finished Berlin in 3:24 and wants to go under 3:15.",
    "Bakes sourdough and brings a loaf to the office every Friday.",
    "Plays cello in a community orchestra.",
    "Restores vintage motorcycles in a rented garage.",
    "Coaches {pos} daughter's under-12 football team.",
    "Birdwatcher with a life list of more than 400 species.",
    "Goes bouldering three evenings a week; wants to climb outdoors more.",
    "Collects first editions of 1970s science fiction.",
    "Keeps an allotment and grows far too many courgettes.",
    "Cooks Sichuan food from scratch, chilli oil included.",
    "Amateur astronomer; photographs galaxies from a backyard observatory.",
    "Plays blitz chess online every morning before work.",
    "Walked the Camino de Santiago twice.",
    "Sings in a jazz choir that performs twice a year.",
    "Makes furniture; built {pos} own dining table from reclaimed oak.",
    "Paints watercolours of street scenes on business trips.",
    "Keeps bees on the roof of {pos} apartment building.",
    "Writes a newsletter about the history of computing.",
    "Free-dives; personal best of 32 metres.",
    "Volunteers as a mountain rescue medic at weekends.",
    "Plays bass in a covers band called The Legacy Systems.",
    "Builds mechanical keyboards, soldering every switch by hand.",
    "Cycles to work all year round, 18 km each way.",
    "Photographs brutalist architecture; has published a book of prints.",
    "Teaches children to code at a library club on Saturdays.",
    "Brews beer at home; a smoked porter won a regional prize.",
    "Skates on frozen lakes every winter.",
)
DRIVERS: Final = (
    "Wants to leave {org} with a team that can run without {obj}.",
    "Driven by making {pos} organisation's services as easy to use as a good app.",
    "Wants more women in security leadership; runs a mentoring scheme for it.",
    "Motivated by building things that outlast {obj}.",
    "Aiming to be a CEO within five years and sees technology as the route there.",
    "Believes IT should stop being seen as a cost centre, and measures everything to prove it.",
    "Mentors first-generation graduates because someone once did it for {obj}.",
    "Hates waste: every project has to show its carbon footprint.",
    "Obsessed with developer experience; thinks happy engineers ship better software.",
    "Driven by curiosity; reads research papers at weekends.",
    "Wants to prove a mid-sized company can out-innovate the giants.",
    "Measures success by how many of {pos} former reports became CIOs.",
    "Wants to build the company {pos} younger self would have wanted to work at.",
)
OTHER: Final = (
    "Two children at university; one studies medicine.",
    "Married to a cardiologist; they met on a night train to Vienna.",
    "Has a rescue greyhound called Biscuit.",
    "Caring for an elderly parent, so travels less these days.",
    "Twin daughters who just started school.",
    "Vegetarian; don't book a steakhouse.",
    "Recently became a grandparent.",
)
# Facts that say how old someone's children are: one person's facts keep to one stage.
FAMILY_STAGE: Final = {
    "Coaches {pos} daughter's under-12 football team.": "young",
    "Twin daughters who just started school.": "young",
    "Two children at university; one studies medicine.": "grown",
    "Recently became a grandparent.": "grown",
}
WORK_NO_ORG: Final = (
    "Works as an independent advisor to three scale-ups.",
    "Left a CIO role two years ago; now sits on the boards of two charities.",
    "Between roles after {pos} last company was acquired; taking the summer off.",
)
MESSAGES: Final = _items(
    "Running ten minutes late;See you at eight;Congrats on the launch!;"
    "Are you going to the dinner tonight?;Thanks again for the intro;Call me when you land?;"
    "Saw the news, well done;Can we move to Thursday?;Photo from last night attached"
)
NOTES: Final = (
    "Prefers calls before 9 am; mornings are protected for the team.",
    "Looking for a new role, open to CIO positions in healthcare.",
    "Hiring a CISO; asked if I know anyone good.",
    "Raising funds for the Harbour Food Bank's winter drive.",
    "Don't bring up the merger; still a sore point.",
    "Owes me the slides from the roundtable.",
    "Would be a great speaker for the next CIO Forum dinner.",
    "Asked for advice on negotiating with cloud vendors.",
    "Lives ten minutes from our office; easy to meet for coffee.",
    "Writing a book on IT leadership and looking for people to interview.",
    "Should meet {other}: both are working on {topic}.",
    "Introduced to me by {other}.",
)
