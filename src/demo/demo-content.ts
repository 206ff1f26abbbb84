/**
 * The demo newsroom's content: original writing made for Gazette, set in
 * the fictional harbour city of Port Ellery. Any resemblance to real people
 * or places is accidental. Paragraph markup: **bold**, _italic_, [text](url).
 * Links point at `.example` domains (RFC 2606), which never resolve.
 */
import type { SceneKind } from "./scenes.ts";

export interface DemoSection {
  slug: string;
  name: string;
  description: string;
}

export interface DemoAuthor {
  slug: string;
  name: string;
  role: string;
  bio: string;
}

export interface DemoPicture {
  scene: SceneKind;
  seed: number;
  alt: string;
  caption: string;
  credit: string;
}

export type DemoBlock =
  | string
  | { heading: string }
  | { quote: string; by: string }
  | { list: string[]; ordered?: boolean }
  | { picture: DemoPicture }
  | { video: string }
  | { embed: string; title: string; provider: string }
  | { divider: true }
  | { related: string }
  /** Where a gated story's free preview ends. */
  | { previewEnd: true };

export interface DemoStory {
  key: string;
  section: string;
  headline: string;
  summary: string[];
  authors: string[];
  dateline?: string;
  topics: string[];
  hero: DemoPicture;
  body: DemoBlock[];
  sources?: { name: string; description?: string; url?: string }[];
  relatedVideos?: string[];
  /** Hours before the seed time that the story was first published. */
  hoursAgo: number;
  /** Hours before the seed time of the last update, if any. */
  updatedHoursAgo?: number;
  /**
   * The story as first published, when the update changed its text: each
   * pair turns today's wording back into the first version's. With a
   * correction, the update fixed a mistake and says so.
   */
  earlier?: { replacements: [now: string, then: string][]; correction?: string };
  /** Who may read it in full (free when unset): shows the meter and the paywall in the demo. */
  access?: "registered" | "subscribers";
  /** Paid content: whose. */
  sponsor?: { name: string; url: string };
  /** A byline without an author profile (paid content is not written by the newsroom's reporters). */
  byline?: string;
}

export interface DemoVideo {
  key: string;
  title: string;
  caption: string;
  credit: string;
  seconds: number;
  scenes: { scene: SceneKind; seed: number }[];
}

export const SITE_SECTIONS: DemoSection[] = [
  {
    slug: "city",
    name: "City",
    description: "Port Ellery: its streets, its harbour and the people who keep them running.",
  },
  {
    slug: "politics",
    name: "Politics",
    description: "Council, parliament and the decisions that shape the region.",
  },
  { slug: "business", name: "Business", description: "Work, trade and money along the Ellery coast." },
  { slug: "science", name: "Science", description: "Research, health and the environment, explained." },
  { slug: "culture", name: "Culture", description: "Books, music, galleries and the stage." },
  { slug: "sport", name: "Sport", description: "Results, reports and the clubs that matter here." },
];

export const AUTHORS: DemoAuthor[] = [
  {
    slug: "ines-carvalho",
    name: "Ines Carvalho",
    role: "City editor",
    bio: "Ines has covered Port Ellery's council, harbour and transport for eleven years.",
  },
  {
    slug: "tomas-whitlow",
    name: "Tomas Whitlow",
    role: "Transport correspondent",
    bio: "Tomas writes about how the region moves: ferries, rail, roads and the money behind them.",
  },
  {
    slug: "ayo-bankole",
    name: "Ayo Bankole",
    role: "Political reporter",
    bio: "Ayo follows the regional assembly and the city council from the press benches.",
  },
  {
    slug: "priya-natarajan",
    name: "Priya Natarajan",
    role: "Science writer",
    bio: "Priya trained as a marine biologist before turning to journalism.",
  },
  {
    slug: "lena-osei",
    name: "Lena Osei",
    role: "Business reporter",
    bio: "Lena reports on jobs, trade and the port economy.",
  },
  {
    slug: "marco-ferrante",
    name: "Marco Ferrante",
    role: "Culture and sport writer",
    bio: "Marco reviews books and theatre, and has not missed a home match since 2014.",
  },
];

export const VIDEOS: DemoVideo[] = [
  {
    key: "bridge-rebuild",
    title: "How the Ellery lift span was rebuilt, in under two minutes",
    caption:
      "Engineers replaced the counterweights, the deck plates and the control room of the 1911 lift bridge.",
    credit: "Gazette Video",
    seconds: 107,
    scenes: [
      { scene: "harbour", seed: 11 },
      { scene: "city", seed: 12 },
      { scene: "harbour", seed: 13 },
    ],
  },
  {
    key: "ferry-crews",
    title: "A day with the ferry crews in the busiest month of the year",
    caption:
      "The cross-harbour ferries have carried the bridge's traffic for two years. Their crews look back.",
    credit: "Gazette Video",
    seconds: 58,
    scenes: [
      { scene: "harbour", seed: 21 },
      { scene: "harbour", seed: 22 },
    ],
  },
];

const wire = (who: string) => `${who} / Gazette Wire`;

export const STORIES: DemoStory[] = [
  {
    key: "storm-live",
    section: "city",
    headline: "Storm on the Ellery coast: live updates as gales cross the harbour",
    summary: [
      "Gusts of up to 110 km/h expected overnight; an amber warning is in force until nine tomorrow",
      "Ferries cancelled, the promenade closed, a rest centre open on Market Street",
    ],
    authors: ["ines-carvalho", "tomas-whitlow"],
    topics: ["Weather", "Flooding"],
    hero: {
      scene: "harbour",
      seed: 977,
      alt: "Grey sea and a harbour wall under low cloud.",
      caption: "The outer harbour wall this afternoon.",
      credit: "Gazette",
    },
    body: [
      "Our reporters are following the storm as it crosses the coast. The latest updates are first; the key events are listed at the top.",
    ],
    hoursAgo: 5,
  },
  {
    key: "bridge",
    section: "city",
    headline: "Harbour lift bridge to reopen on Monday after two-year rebuild, council confirms",
    summary: [
      "The 1911 lift span will carry traffic again from 6am, three months later than first promised and 14 per cent over budget",
      "Ferry timetables return to their winter pattern, and a night-time lift schedule limits delays for drivers",
    ],
    authors: ["ines-carvalho", "tomas-whitlow"],
    dateline: "PORT ELLERY",
    topics: ["Ellery Harbour", "Transport", "City council", "Infrastructure"],
    hero: {
      scene: "harbour",
      seed: 101,
      alt: "Ferries cross the harbour at dusk in front of the city skyline, with the lift bridge out of view to the left.",
      caption:
        "Cross-harbour ferries have carried most of the bridge's traffic since the span closed in the autumn two years ago.",
      credit: wire("Mara Lindqvist"),
    },
    body: [
      "The Ellery Harbour lift bridge will reopen to cars, buses and cyclists at 6am on Monday, the city council confirmed on Thursday, ending a closure that has reshaped how tens of thousands of people cross the water every day.",
      "The council's infrastructure committee signed off the final safety certificate at a short meeting on Thursday afternoon, after a week of load tests in which engineers parked forty loaded lorries on the rebuilt deck and raised and lowered the span more than two hundred times.",
      "“We said we would not open it a day before it was ready, and we have kept that promise,” said **Hana Duarte**, who chairs the committee. “It is late, and it cost more than we told people it would. I am not going to pretend otherwise.”",
      {
        quote:
          "It is late, and it cost more than we told people it would. I am not going to pretend otherwise.",
        by: "Hana Duarte, chair of the council's infrastructure committee",
      },
      "The rebuild was first budgeted at 61 million and scheduled to finish in the spring. According to the committee's final report, the work cost 69.7 million, or about 14 per cent more. Most of the overrun came from corrosion in the original counterweight pits that surveys in 2022 had not found, the report says.",
      { video: "bridge-rebuild" },
      "Drivers will notice the changes first. The deck is wider by a metre on each side, to make room for a protected cycle lane in both directions, and the old steel grating, notorious for its hum under car tyres, has been replaced with a solid surface.",
      { heading: "What changes for people crossing the harbour" },
      {
        list: [
          "**Bridge lifts** for shipping move to fixed windows: 10.30pm to 5.30am, plus 1pm to 2pm on weekdays.",
          "**Ferries** on the Quay Street route drop from every 6 minutes to every 15 minutes from Monday.",
          "**Buses** on routes 4, 9 and 31 return to their pre-closure paths over the bridge.",
          "**Cyclists** get a separated lane each way; the temporary ferry bike racks will be removed.",
        ],
      },
      "Shipping companies had argued for more daytime lifts. The harbour master's office said the new windows were a compromise that would cost some vessels an hour of waiting at worst, and that the schedule would be reviewed after six months.",
      {
        picture: {
          scene: "council",
          seed: 102,
          alt: "Councillors seated in a semicircle in a pale council chamber with tall windows.",
          caption: "The infrastructure committee approved the bridge's safety certificate on Thursday.",
          credit: wire("Jon Aske"),
        },
      },
      "For the ferry crews who carried the bridge's traffic, the reopening is bittersweet. Ridership on the Quay Street route rose from about 4,000 journeys a day to more than 19,000 during the closure, according to figures the ferry operator published this week, and the company hired thirty-two extra deckhands on temporary contracts.",
      "“Some of them will stay on for the summer timetable,” said **Ruben Okafor**, the operator's head of operations. “But I won't dress it up: most of those contracts end in March.”",
      "Traders on Quay Street, who saw footfall rise with the ferry queues, are less sure what Monday will bring. Several told the _Gazette_ they expected a quieter spring once commuters could drive straight past again.",
      { related: "ferry-jobs" },
      "The council has promised an independent review of why the corrosion was missed. Its terms of reference will be published next month, Ms Duarte said, and the review will report in public.",
      {
        embed: "https://council.port-ellery.example/committees/infrastructure/bridge-final-report",
        title: "Ellery lift bridge rebuild: final report to the infrastructure committee",
        provider: "Port Ellery City Council",
      },
      "The bridge will be closed to pedestrians between 5am and 6am on Monday for a final inspection. Police have asked drivers to expect queues on the first morning and to allow extra time.",
    ],
    sources: [
      {
        name: "Port Ellery City Council",
        description: "final report of the infrastructure committee on the bridge rebuild, including costs",
        url: "https://council.port-ellery.example/committees/infrastructure/bridge-final-report",
      },
      {
        name: "Ellery Harbour Ferries",
        description: "ridership figures for the Quay Street route during the closure",
        url: "https://ferries.port-ellery.example/ridership",
      },
      {
        name: "Harbour Master's Office",
        description: "the new lift schedule for shipping, confirmed by phone to the Gazette",
      },
    ],
    relatedVideos: ["ferry-crews"],
    hoursAgo: 3,
    updatedHoursAgo: 1,
    earlier: {
      replacements: [
        [
          "the work cost 69.7 million, or about 14 per cent more",
          "the work cost 69 million, or about 13 per cent more",
        ],
        ["hired thirty-two extra deckhands", "hired thirty extra deckhands"],
        [
          "Police have asked drivers to expect queues on the first morning and to allow extra time.",
          "Drivers should expect queues on the first morning.",
        ],
      ],
      correction:
        "An earlier version of this story gave the final cost of the rebuild as 69 million, 13 per cent over budget. The committee’s final report puts it at 69.7 million, about 14 per cent over budget.",
    },
  },
  {
    key: "ferry-jobs",
    section: "business",
    headline: "Ferry operator to keep a third of its temporary crews as bridge traffic returns",
    summary: [
      "Ellery Harbour Ferries says ridership will fall by two thirds, but summer tourism will need more staff than before the closure",
    ],
    authors: ["lena-osei"],
    dateline: "PORT ELLERY",
    topics: ["Ellery Harbour", "Jobs", "Transport"],
    hero: {
      scene: "harbour",
      seed: 111,
      alt: "A red-hulled ferry with a white cabin moored at a grey quay.",
      caption: "The Quay Street ferry at its berth in the early morning.",
      credit: wire("Mara Lindqvist"),
    },
    body: [
      "Ellery Harbour Ferries will keep eleven of the thirty-two deckhands it hired on temporary contracts during the bridge closure, the company said on Wednesday, as it prepares for passenger numbers to fall sharply when the lift bridge reopens.",
      "The operator expects about 6,500 journeys a day on its Quay Street route from next month, down from more than 19,000 at the height of the closure but well above the 4,000 it carried before.",
      "“People found out that the ferry is quicker than sitting in traffic,” said Ruben Okafor, head of operations. “Not all of them will go back to their cars.”",
      "The eleven staff will move to permanent contracts from April. The company said it would help the others find work with the port authority and with the two boatyards on the north shore, both of which are recruiting.",
      "The deckhands' union welcomed the permanent posts but said the company had promised in the autumn to keep at least half of the new staff.",
    ],
    sources: [{ name: "Ellery Harbour Ferries", description: "statement on staffing, issued Wednesday" }],
    hoursAgo: 9,
  },
  {
    key: "budget",
    section: "politics",
    headline: "Council budget puts libraries and street lighting ahead of a new car park",
    summary: [
      "Councillors voted 31 to 18 for a budget that shifts 4 million from parking to branch libraries and LED lighting",
    ],
    authors: ["ayo-bankole"],
    dateline: "PORT ELLERY",
    topics: ["City council", "Budget", "Libraries"],
    hero: {
      scene: "council",
      seed: 121,
      alt: "Rows of councillors in a bright chamber, seen from the public gallery.",
      caption: "The budget debate lasted more than six hours.",
      credit: wire("Jon Aske"),
    },
    body: [
      "Port Ellery's council approved its budget for next year late on Tuesday, after a six-hour debate in which the planned multi-storey car park on Saltmarket Street was dropped in favour of longer library hours and brighter streets.",
      "The budget moves 4 million from the car park scheme to two purposes: reopening the Harbourside and Northgate branch libraries on Saturdays, and replacing the last 6,000 sodium street lamps with LED units, which the council says will pay for themselves in seven years.",
      "Opposition councillors said the city centre would lose trade without more parking. “Families from the valley towns drive here to shop. We are telling them not to bother,” said Councillor Piet Vermaak.",
      "The council leader, Odile Marchetti, said the car park's business case depended on parking charges that surveys suggested drivers would not pay. “We are not going to build a concrete box that stands half empty,” she said.",
      "Council tax will rise by 2.9 per cent, below the maximum allowed without a local referendum.",
    ],
    hoursAgo: 15,
  },
  {
    key: "seagrass",
    section: "science",
    headline: "Seagrass meadows in Ellery Bay have doubled in five years, survey finds",
    summary: [
      "Divers mapped 212 hectares of seagrass, up from 104 in 2020",
      "Researchers credit cleaner water after the sewage works upgrade and a ban on anchoring",
    ],
    authors: ["priya-natarajan"],
    dateline: "ELLERY BAY",
    topics: ["Environment", "Ellery Bay", "Oceans"],
    hero: {
      scene: "hills",
      seed: 131,
      alt: "Green hills slope down towards a calm bay under a pale sky.",
      caption: "The sheltered northern shore of Ellery Bay, where most of the new seagrass has taken root.",
      credit: wire("Sunniva Berg"),
    },
    body: [
      "The seagrass meadows of Ellery Bay have roughly doubled in area since 2020, according to a survey by the Coastal Ecology Unit at Ellery University, one of the fastest recoveries recorded in the region.",
      "Teams of divers and an underwater drone mapped 212 hectares of seagrass last summer, against 104 hectares in the previous full survey five years ago.",
      {
        quote:
          "Seagrass is slow to come back and quick to disappear. To see this much return in five years is remarkable.",
        by: "Dr Nadia Halloran, Coastal Ecology Unit",
      },
      "The researchers point to two changes. The upgraded sewage works at Marrow Point, completed in 2021, cut the nutrients that feed algae and cloud the water. And a ban on anchoring in the northern bay, introduced the same year, stopped boats tearing up the plants.",
      "Seagrass stores carbon in the seabed, shelters young fish and calms waves. The unit estimates the new meadows hold the equivalent of several thousand tonnes of carbon dioxide, though it cautions that such estimates are uncertain.",
      "The survey will be repeated in two years.",
    ],
    sources: [
      {
        name: "Coastal Ecology Unit, Ellery University",
        description: "seagrass survey report",
        url: "https://coastal.ellery-university.example/seagrass-survey",
      },
    ],
    hoursAgo: 20,
  },
  {
    key: "book-fair",
    section: "culture",
    headline: "Riverside Book Fair returns with its largest programme yet",
    summary: ["More than 140 writers will appear over nine days, with a new strand for readers under twelve"],
    authors: ["marco-ferrante"],
    topics: ["Books", "Festivals"],
    hero: {
      scene: "market",
      seed: 141,
      alt: "Colourful market stalls with striped roofs in front of the city skyline.",
      caption: "The fair's tents go up along the river promenade next week.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "The Riverside Book Fair will open on the first Saturday of next month with its largest programme in twenty-three years: more than 140 writers over nine days, in tents along the river promenade and in six of the city's libraries.",
      "For the first time, a full strand of events is aimed at readers under twelve, with morning sessions for schools and weekend workshops on writing comics.",
      "“Our audience has been getting older every year. That is a nice problem for a year or two and a fatal one after that,” said the fair's director, Clemence Adair.",
      "Tickets for most events cost 6, and a third of all tickets are free for people on low incomes, a share the fair has kept since 2019.",
    ],
    hoursAgo: 26,
  },
  {
    key: "derby",
    section: "sport",
    headline: "Ellery Athletic come from two goals down to draw the harbour derby",
    summary: ["A stoppage-time header from Joel Mensah earned a 2-2 draw against North Shore Rovers"],
    authors: ["marco-ferrante"],
    dateline: "PORT ELLERY",
    topics: ["Football", "Ellery Athletic"],
    hero: {
      scene: "stadium",
      seed: 151,
      alt: "A floodlit football pitch with a crowd in the stands.",
      caption: "The Quayside Ground was full for the first derby of the season.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "Ellery Athletic rescued a point in the first harbour derby of the season on Saturday, coming back from two goals down to draw 2-2 with North Shore Rovers in front of a full Quayside Ground.",
      "Rovers led through goals from Sami Lindahl and Aaron Pike before half-time, and for an hour Athletic looked short of ideas.",
      "The substitute Kasia Wren changed the match. Her cross was turned in by Dario Faure in the 71st minute, and in the third minute of stoppage time her corner found Joel Mensah, who headed in at the near post.",
      "“We were poor for an hour and we know it,” said Athletic's manager, Greta Holm. “But the players never stopped running, and the crowd never stopped singing.”",
      "The draw leaves Athletic sixth, two points behind Rovers.",
    ],
    hoursAgo: 32,
  },
  {
    key: "rail",
    section: "politics",
    headline: "Regional assembly backs a study of a rail link to the valley towns",
    summary: [
      "The 2.4 million study will compare a light-rail line with faster buses on the Marrow Valley corridor",
    ],
    authors: ["ayo-bankole", "tomas-whitlow"],
    topics: ["Transport", "Regional assembly", "Rail"],
    hero: {
      scene: "hills",
      seed: 161,
      alt: "Rolling farmland with scattered trees and mountains behind.",
      caption: "The Marrow Valley corridor, where a rail line closed in 1967.",
      credit: wire("Sunniva Berg"),
    },
    body: [
      "The regional assembly voted on Wednesday to pay for a detailed study of a rail link between Port Ellery and the Marrow Valley towns, more than half a century after the last passenger train ran on the route.",
      "The 2.4 million study will compare a light-rail line on the old track bed with an upgraded bus service on dedicated lanes, and is due to report within eighteen months.",
      "Supporters say a rail link would cut the commute from Harrowby to the city centre from about an hour to 35 minutes. Critics in the assembly said the region had studied the idea three times since 1990 without laying a metre of track.",
      "“This is the last study,” said the assembly's transport lead, Mira Castellanos. “At the end of it we will either build something or stop talking about it.”",
    ],
    hoursAgo: 40,
  },
  {
    key: "port-trade",
    section: "business",
    headline: "Port cargo volumes rise for a third year as wind turbine parts arrive",
    summary: [
      "The port handled 8.1 million tonnes last year, helped by components for the offshore wind farm",
    ],
    authors: ["lena-osei"],
    topics: ["Port of Ellery", "Trade", "Energy"],
    hero: {
      scene: "harbour",
      seed: 171,
      alt: "Cargo ships and a skyline reflected in grey water.",
      caption: "The deep-water berths on the east quay handled most of the turbine cargo.",
      credit: wire("Mara Lindqvist"),
    },
    body: [
      "The Port of Ellery handled 8.1 million tonnes of cargo last year, up 6 per cent and the third annual rise in a row, the port authority said in its annual results on Monday.",
      "Much of the growth came from blades, towers and foundations for the offshore wind farm being built forty kilometres off the coast, which are stored on the east quay before being shipped out to sea.",
      "Container traffic was flat, and the port warned that it expects a dip once the wind farm's construction finishes in two years.",
      "The authority said it would spend 30 million over five years on electric cranes and on shore power, so that ships at berth can switch off their engines.",
    ],
    hoursAgo: 46,
  },
  {
    key: "winter-cycling",
    section: "business",
    headline: "Five ways to keep cycling to work through an Ellery winter",
    summary: [
      "Lights, tyres and a dry change of clothes matter more than an expensive bike, say the mechanics who look after the city's commuter bikes",
    ],
    authors: [],
    byline: "the partner content team, for Northgate Cycle Works",
    topics: ["Cycling", "Transport"],
    hero: {
      scene: "city",
      seed: 281,
      alt: "A city street between tall buildings at dusk.",
      caption: "The harbour cycle lane is lit all night from November to March.",
      credit: "Northgate Cycle Works",
    },
    body: [
      "About six thousand people cycle to work in Port Ellery on a dry weekday, and a little over half of them keep going when the clocks go back. The mechanics at Northgate Cycle Works, who have serviced the city's commuter bikes for thirty years, say the ones who stop rarely do so because of the cold.",
      "**Be seen.** A white light at the front and a red one at the back are the law after dark; a second, steady rear light is cheap insurance when the first one's battery fades on the ride home.",
      "**Change your tyres, not your bike.** Winter tyres with a deeper tread and a puncture-resistant layer grip better on wet cobbles along the quay, and cut the number of flat tyres that make people give up.",
      "**Keep the grit off.** Salt and sand from the gritting lorries wear out chains and brake pads in weeks. A rinse with plain water after a salted ride, and a drop of oil once a week, doubles their life.",
      "**Dress in layers, and keep dry clothes at work.** Most winter riders find they are too warm after ten minutes; a light waterproof over a thin layer, and a change of clothes in a drawer, beat a heavy coat.",
      "**Have a plan B.** Trams and the harbour ferry carry folded bikes at any time and full-size ones outside the rush hours, so a storm need not mean leaving the bike at home all week.",
    ],
    sponsor: { name: "Northgate Cycle Works", url: "https://northgate-cycles.example/" },
    hoursAgo: 36,
  },
  {
    key: "heat-clinic",
    section: "science",
    headline: "Hospital trial finds cooling vests cut heat stress among night-shift nurses",
    summary: ["Nurses who wore the vests reported less fatigue, but the study was small and not blinded"],
    authors: ["priya-natarajan"],
    topics: ["Health", "Hospitals", "Climate"],
    hero: {
      scene: "lab",
      seed: 181,
      alt: "Glass bottles of coloured liquid on a laboratory shelf.",
      caption: "Researchers measured skin temperature and heart rate on each shift.",
      credit: wire("Sunniva Berg"),
    },
    body: [
      "A small trial at Ellery General Hospital found that nurses who wore lightweight cooling vests during summer night shifts reported less fatigue and had lower heart rates than colleagues who did not.",
      "The study followed 48 nurses over two summers. Half wore the vests in the first summer, and the groups swapped in the second.",
      "The researchers say the results are encouraging but limited: the nurses knew which group they were in, which may have affected how tired they said they felt.",
      "The hospital's older wards have no air conditioning, and night-time temperatures on them exceeded 28C on eleven nights last summer.",
    ],
    access: "registered",
    hoursAgo: 52,
  },
  {
    key: "gallery",
    section: "culture",
    headline: "Review: a quiet, generous retrospective for the painter Ilse Maren",
    summary: ["Sixty works at the Harbour Gallery trace forty years of a painter who never chased fashion"],
    authors: ["marco-ferrante"],
    topics: ["Art", "Exhibitions"],
    hero: {
      scene: "gallery",
      seed: 191,
      alt: "Brightly coloured abstract paintings in dark frames on a pale gallery wall.",
      caption: "Maren's late paintings fill the gallery's upper floor.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "There is no shouting in the Harbour Gallery's retrospective of Ilse Maren, and that is its great strength. Sixty paintings, hung with room to breathe, trace forty years of a painter who looked hard at the same stretch of coast and never once tried to be fashionable.",
      "The early rooms are dark, almost brown, full of harbour walls and wet stone. By the 1990s the colour arrives, first in small patches and then all at once, as if Maren had decided that the sea was allowed to be turquoise after all.",
      "The final room, with the six large canvases she finished before her death, is the best thing on show in the city this year.",
      "_Ilse Maren: The Long Shore_ runs at the Harbour Gallery until the end of March. Entry is free.",
    ],
    hoursAgo: 58,
  },
  {
    key: "housing",
    section: "city",
    headline: "Plans for 400 homes on the old gasworks site go on public display",
    summary: ["A third of the homes would be for social rent; residents have six weeks to comment"],
    authors: ["ines-carvalho"],
    dateline: "PORT ELLERY",
    topics: ["Housing", "Planning", "City council"],
    hero: {
      scene: "city",
      seed: 201,
      alt: "Apartment towers beside a park with trees in the foreground.",
      caption: "An artist's impression of the gasworks scheme was shown at the exhibition.",
      credit: wire("Jon Aske"),
    },
    body: [
      "Plans to build 400 homes on the site of the old Cable Street gasworks went on display at the Northgate community centre on Friday, the first step in a planning process that could see building start in two years.",
      "The developer, a partnership between the council and a housing association, says 134 of the homes would be for social rent, 90 for shared ownership and the rest for sale.",
      "Cleaning up the contaminated ground will take about a year and cost an estimated 18 million, of which the regional assembly has agreed to pay half.",
      { previewEnd: true },
      "Neighbours at the exhibition welcomed the homes but raised concerns about the height of the two tallest blocks, which would reach twelve storeys.",
      "The consultation is open for six weeks.",
    ],
    access: "subscribers",
    hoursAgo: 64,
  },
  {
    key: "election-rules",
    section: "politics",
    headline: "What the new rules on campaign spending mean for next year's council election",
    summary: [
      "Candidates must publish donations above 500 within a week, and spending limits rise for the first time since 2009",
    ],
    authors: ["ayo-bankole"],
    topics: ["Elections", "City council", "Explainer"],
    hero: {
      scene: "council",
      seed: 211,
      alt: "An empty council chamber with rows of seats facing a raised platform.",
      caption: "The rules were agreed by the regional assembly in the autumn.",
      credit: wire("Jon Aske"),
    },
    body: [
      "Next year's council election will be the first run under the regional assembly's new rules on campaign money. Here is what changes.",
      { heading: "Donations" },
      "Candidates must publish any donation above 500 within seven days of receiving it, on a public register run by the elections office. Until now, donations were only disclosed after polling day.",
      { heading: "Spending limits" },
      "The limit on what a candidate may spend rises from 4,200 to 6,000 per ward, the first increase since 2009. Parties' central spending is capped for the first time.",
      { heading: "Online adverts" },
      "Every paid online advert must say who paid for it, and campaigns must keep a copy of each advert for a year.",
      "The elections office says it will publish guidance for candidates in January.",
    ],
    hoursAgo: 70,
  },
  {
    key: "bakery",
    section: "business",
    headline: "Family bakery that fed the ferry queues opens a second shop",
    summary: ["Quay Street's Dalby & Daughters is betting that the commuters it won will follow it uptown"],
    authors: ["lena-osei"],
    topics: ["Small business", "Quay Street"],
    hero: {
      scene: "market",
      seed: 221,
      alt: "Market stalls with red and yellow awnings and baskets of fruit.",
      caption: "Quay Street's traders saw footfall rise during the bridge closure.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "For two years, the queue for the Quay Street ferry ran past the door of Dalby & Daughters, and the bakery's owners made the most of it, opening at 5.30am and selling coffee through a hatch to commuters who had nowhere else to wait.",
      "With the bridge reopening, the family is opening a second shop, near the central station, which it hopes will catch some of the same customers on their new route.",
      "“We met thousands of people we would never have met,” said Freya Dalby, who runs the business with her father. “We would like to keep a few of them.”",
    ],
    hoursAgo: 76,
  },
  {
    key: "storm-drains",
    section: "city",
    headline: "Storm drains on the low town streets to be widened before winter",
    summary: ["The work follows flooding that reached thirty homes in October"],
    authors: ["ines-carvalho"],
    topics: ["Flooding", "Infrastructure", "City council"],
    hero: {
      scene: "city",
      seed: 231,
      alt: "City blocks under an overcast sky.",
      caption: "The low town streets flooded twice last autumn.",
      credit: wire("Mara Lindqvist"),
    },
    body: [
      "The council will widen storm drains on eight streets in the low town before the winter, after heavy rain in October sent water into thirty homes and closed the Tannery Lane underpass for three days.",
      "The 2.2 million work will replace pipes laid in the 1930s with ones twice the diameter, and add two holding tanks under the Tannery Lane car park.",
      "Residents will face road closures of up to two weeks on each street. The council says it will deliver a letter to every affected household a fortnight before work starts.",
    ],
    hoursAgo: 84,
  },
  {
    key: "orchestra",
    section: "culture",
    headline: "City orchestra will play free concerts in the valley towns this spring",
    summary: ["Eight concerts in community halls are funded by a bequest from a former cellist"],
    authors: ["marco-ferrante"],
    topics: ["Music", "Marrow Valley"],
    hero: {
      scene: "council",
      seed: 241,
      alt: "A pale hall with tall windows and rows of seated people.",
      caption: "Harrowby's town hall will host the first concert.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "The Port Ellery Symphony Orchestra will play eight free concerts in community halls in the Marrow Valley towns this spring, paid for by a bequest from a cellist who played with the orchestra for thirty-eight years.",
      "The programmes will be shorter than the orchestra's city concerts, about an hour, and will include pieces chosen by pupils at the valley's three secondary schools.",
      "Tickets are free but must be booked, because most of the halls seat fewer than 300 people.",
    ],
    hoursAgo: 92,
  },
  {
    key: "rowing",
    section: "sport",
    headline: "Harbour rowing club's women's eight win the national title",
    summary: ["The crew, average age 23, beat the defending champions by a length and a half"],
    authors: ["marco-ferrante"],
    topics: ["Rowing", "Ellery Harbour"],
    hero: {
      scene: "harbour",
      seed: 251,
      alt: "Boats on choppy grey water beneath a city skyline.",
      caption: "The crew train on the harbour at 6am, six days a week.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "The Ellery Harbour Rowing Club's women's eight won the national championship on Sunday, beating the defending champions by a length and a half on a windy course.",
      "It is the club's first national title in an eight since 1988. The crew's average age is 23, and four of its members learned to row at the club's school programme.",
      "“We train on the harbour in the dark half the year, dodging ferries,” said the stroke, Ida Sorensen. “A bit of wind did not worry us.”",
    ],
    hoursAgo: 100,
  },
  {
    key: "bees",
    section: "science",
    headline: "Rooftop hives on public buildings are thriving, beekeepers say",
    summary: [
      "Forty hives on libraries, schools and the town hall produced 600 kilograms of honey last year",
    ],
    authors: ["priya-natarajan"],
    topics: ["Environment", "Urban nature"],
    hero: {
      scene: "city",
      seed: 261,
      alt: "Flat rooftops and towers in warm evening light.",
      caption: "The town hall roof carries six hives.",
      credit: wire("Sunniva Berg"),
    },
    body: [
      "Forty beehives on the roofs of Port Ellery's libraries, schools and town hall produced about 600 kilograms of honey last year, and all but two colonies survived the winter, the volunteer beekeepers who look after them say.",
      "Ecologists caution that honeybees can compete with wild bees for pollen, and the council has agreed not to add hives until a survey of wild pollinators is complete.",
      "The honey is sold in the library shops, and the proceeds pay for the hives' upkeep.",
    ],
    hoursAgo: 110,
  },
  {
    key: "tram-fares",
    section: "politics",
    headline: "Tram fares frozen for a second year after assembly deal",
    summary: ["The freeze will cost the regional budget 3.1 million"],
    authors: ["ayo-bankole"],
    topics: ["Transport", "Regional assembly", "Cost of living"],
    hero: {
      scene: "city",
      seed: 271,
      alt: "Office towers lit from inside at night.",
      caption: "The tram network carries about 90,000 journeys on a weekday.",
      credit: wire("Jon Aske"),
    },
    body: [
      "Tram fares in Port Ellery will not rise next year, after the governing parties in the regional assembly agreed a deal with the Greens to pass the transport budget.",
      "The freeze will cost 3.1 million, to be found by delaying the replacement of older trams by a year.",
      "The transport authority had proposed a 4 per cent rise, saying costs for electricity and staff had risen faster than fares.",
    ],
    hoursAgo: 118,
  },
  {
    key: "startup",
    section: "business",
    headline: "Boatyard start-up raises funds for electric workboats",
    summary: ["North Shore Marine plans to build twelve battery-powered harbour boats a year"],
    authors: ["lena-osei"],
    topics: ["Energy", "Start-ups", "Ellery Harbour"],
    hero: {
      scene: "harbour",
      seed: 281,
      alt: "Small red boats with white cabins on open water.",
      caption: "North Shore Marine's prototype on trials in the outer harbour.",
      credit: wire("Mara Lindqvist"),
    },
    body: [
      "North Shore Marine, a boatyard founded three years ago by two former ferry engineers, has raised 4.5 million from investors to build battery-powered workboats for harbours and fish farms.",
      "The company's prototype, a twelve-metre pilot boat, has been on trials in the outer harbour since the summer and can work a full shift on one charge, its founders say.",
      "The firm plans to hire twenty people and build up to twelve boats a year at its yard on the north shore.",
    ],
    hoursAgo: 126,
  },
  {
    key: "library-night",
    section: "culture",
    headline: "Central library will open until midnight on Fridays for a trial",
    summary: ["The six-month trial will test whether late opening draws students and shift workers"],
    authors: ["marco-ferrante"],
    topics: ["Libraries", "Books"],
    hero: {
      scene: "gallery",
      seed: 291,
      alt: "Framed pictures on a pale wall above a wooden floor.",
      caption: "The library's upper reading room will stay open late.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "Port Ellery's central library will stay open until midnight on Fridays for six months from February, in a trial the council says will show whether late opening is worth paying for.",
      "The upper reading room, the study rooms and the café will be open; the children's library will close at the usual time.",
      "The trial is paid for from the budget approved this week.",
    ],
    hoursAgo: 134,
  },
  {
    key: "marathon",
    section: "sport",
    headline: "Harbour marathon route changes to cross the reopened bridge",
    summary: ["Organisers say the new route is flatter and will close fewer roads"],
    authors: ["marco-ferrante"],
    topics: ["Running", "Ellery Harbour"],
    hero: {
      scene: "stadium",
      seed: 301,
      alt: "A sports ground under floodlights with spectators in the stands.",
      caption: "The marathon will finish at the Quayside Ground for the first time.",
      credit: wire("Oskar Vidal"),
    },
    body: [
      "The Port Ellery marathon will cross the reopened lift bridge twice next spring, after organisers redrew the route to avoid the steep climb through the old town.",
      "The new route is flatter, organisers say, and closes eleven fewer roads. It will finish inside the Quayside Ground.",
      "Entries open next week. The race is capped at 9,000 runners.",
    ],
    hoursAgo: 142,
  },
  {
    key: "tide-gauge",
    section: "science",
    headline: "A century of tide records shows the harbour's sea level rising faster",
    summary: [
      "The harbour gauge shows 21 centimetres of rise since 1925, a third of it in the last 25 years",
    ],
    authors: ["priya-natarajan"],
    topics: ["Climate", "Oceans", "Ellery Harbour"],
    hero: {
      scene: "harbour",
      seed: 311,
      alt: "A harbour at dusk with boats and a city skyline.",
      caption: "The tide gauge sits on the old customs pier.",
      credit: wire("Sunniva Berg"),
    },
    body: [
      "Records from the tide gauge on the old customs pier, kept without a break since 1925, show that the sea in Ellery Harbour has risen by about 21 centimetres in a century, with a third of that rise in the past 25 years.",
      "The analysis, by the regional environment agency, corrects for the slow sinking of the land beneath the pier, which accounts for about 3 centimetres of the total.",
      "The agency says its flood plans already assume a further rise of 40 centimetres by 2100, and that it will review them next year.",
    ],
    hoursAgo: 150,
  },
];

/**
 * The demo paper's subscriptions. They have no Stripe price, so they are not
 * on sale until an operator connects Stripe and gives each plan its price id
 * (README, "Memberships and the paywall"); the gate says so meanwhile.
 */
export const DEMO_PLANS = [
  {
    slug: "digital",
    name: "Digital",
    description: "Every story on the site and in the app, and the morning briefing.",
    priceMinor: 700,
    currency: "gbp",
    interval: "month" as const,
  },
  {
    slug: "digital-annual",
    name: "Digital, yearly",
    description: "The same as Digital, two months free.",
    priceMinor: 7000,
    currency: "gbp",
    interval: "year" as const,
  },
];

/**
 * The demo's one direct-sold campaign: a local shop's winter servicing
 * offer, in body and rail slots on business and sport pages, with a
 * generated picture as its creative (an image ad in the 300×250 slot size).
 */
export const DEMO_CAMPAIGN = {
  advertiser: { name: "Northgate Cycle Works", contactEmail: "ads@northgate-cycles.example" },
  name: "Winter servicing",
  priority: 6,
  days: 60,
  budgetImpressions: 200_000,
  targeting: {
    sections: ["business", "sport"],
    topics: [],
    stories: [],
    positions: ["body" as const, "rail" as const],
  },
  creative: {
    name: "Winter servicing, 300×250",
    href: "https://northgate-cycles.example/winter-service",
    width: 300,
    height: 250,
    scene: "hills" as const,
    seed: 301,
    alt: "Northgate Cycle Works: winter bike servicing from 35, done while you work. Book a slot.",
  },
};

export const STANDARDS_PAGE = {
  slug: "editorial-standards",
  title: "Our editorial standards: why you can trust us",
  body: [
    "We are an independent newsroom. We report for our readers, and no advertiser, owner or official decides what we publish. This page sets out how we work, so that you can hold us to it.",
    { heading: "Accuracy" },
    "Every fact we publish has been checked by at least two people before it appears: the reporter and an editor. We say where information comes from. When we cannot name a source, we say why, and we never grant anonymity to someone who only wants to attack another person.",
    { heading: "Sources you can check" },
    "Stories list their sources at the end: the documents, data and people we relied on, with a link when there is one. When a figure comes from a single organisation that has an interest in it, we say so.",
    { heading: "Corrections" },
    "When we get something wrong, we correct it on the story itself, say what we changed and when, and do not quietly rewrite the record. You can report an error to corrections@gazette.example; an editor reads every message.",
    { heading: "Independence" },
    "Advertising is always labelled and kept apart from our journalism. Our reporters do not accept gifts, free travel or payment from people they cover. Staff declare interests that could affect their work, and editors move stories when there is a conflict.",
    { heading: "Fairness" },
    "People we criticise get a fair chance to respond before we publish, and we report their answer. We do not use photos or video in ways that change their meaning, and captions say who took each picture.",
  ] as DemoBlock[],
};

export const ABOUT_PAGE = {
  slug: "about-us",
  title: "About us",
  body: [
    "This is a demonstration newsroom for Gazette, an open-source publishing platform. The city of Port Ellery, its people and its news are invented; the stories were written for this demo, and the pictures and videos were generated by the software when the site was first started.",
    "Gazette is the newsroom's CMS and the reader's website in one codebase, built to serve rich article pages quickly on modest hardware.",
  ] as DemoBlock[],
};

export const COMMUNITY_RULES_PAGE = {
  slug: "community-rules",
  title: "Community rules for comments",
  body: [
    "Comments are for readers to add to the reporting: what you saw, what you know, where you disagree and why. We read them, and they change our coverage.",
    { heading: "What we ask" },
    {
      list: [
        "**Argue with ideas, not people.** Personal attacks, slurs and threats are removed, and repeat offenders lose their accounts.",
        "**Stay on the story.** Off-topic comments and advertising are removed.",
        "**Say where facts come from.** Links are welcome; comments with many links wait for a moderator.",
        "**Use your own name or a steady one.** One account per person.",
      ],
    },
    { heading: "How moderation works" },
    "Some words are refused outright, with a message telling you why. Comments from new accounts, comments with certain words and comments on sensitive stories wait for a moderator before they appear. Every decision a moderator takes is logged with a reason. Report a comment with the Report link under it.",
    "Comments close fourteen days after a story is published.",
  ] as DemoBlock[],
};

export const HOUSE_ADS = [
  {
    id: "ferries",
    advertiser: "Ellery Harbour Ferries",
    headline: "Cross the harbour in eight minutes",
    text: "Quay Street to North Shore, every fifteen minutes, all day.",
    cta: "See the timetable",
    href: "/about/about-us",
  },
  {
    id: "bookfair",
    advertiser: "Riverside Book Fair",
    headline: "140 writers. Nine days. One river.",
    text: "Tickets from 6, and a third of all tickets free.",
    cta: "Browse the programme",
    href: "/culture",
  },
  {
    id: "newsletter",
    advertiser: "The Gazette Daily",
    headline: "The morning briefing",
    text: "The five stories that matter in Port Ellery, before 7am.",
    cta: "Read today's city news",
    href: "/city",
  },
];

/** Demo readers and their comments (original writing), threaded, on the fullest stories. */
export interface DemoComment {
  by: string;
  text: string;
  /** Index of the comment (in the same story's list) this one replies to. */
  replyTo?: number;
  reactions?: number;
  staff?: boolean;
}

export const DEMO_READERS = [
  "Marta from Quay Street",
  "R. Lindgren",
  "CycleCommuter",
  "Old Harbour Hand",
  "Ines Carvalho",
];

export const DEMO_COMMENTS: Record<string, DemoComment[]> = {
  bridge: [
    {
      by: "Marta from Quay Street",
      text: "Three months late and fourteen per cent over, but I will take a bridge that works over a bridge on time. The ferry queue at eight in the morning was something else.",
      reactions: 12,
    },
    {
      by: "R. Lindgren",
      text: "The corrosion in the counterweight pits should have been found in the 2022 surveys. I hope the independent review names who signed those off.",
      reactions: 9,
    },
    {
      by: "Ines Carvalho",
      text: "Thanks for reading. The review's terms of reference are due next month and we will publish them in full when they are out.",
      replyTo: 1,
      reactions: 6,
      staff: true,
    },
    {
      by: "CycleCommuter",
      text: "A protected lane each way is the real news here. The old steel grating was terrifying on a bike in the rain.",
      reactions: 15,
    },
    {
      by: "Old Harbour Hand",
      text: "Lifts between 10.30pm and 5.30am suit the coasters well enough. The 1pm window is the one skippers will grumble about.",
      reactions: 4,
    },
    {
      by: "Marta from Quay Street",
      text: "Agreed on the lane. My daughter can finally ride to school.",
      replyTo: 3,
      reactions: 3,
    },
    {
      by: "Old Harbour Hand",
      text: "The grating sang in a westerly, too. Nobody on the quay will miss that noise.",
      replyTo: 3,
      reactions: 2,
    },
    {
      by: "R. Lindgren",
      text: "Is the lane wide enough for cargo bikes? The drawings in the council papers looked tight at the lift span.",
      replyTo: 3,
      reactions: 1,
    },
    {
      by: "CycleCommuter",
      text: "Measured it this morning: a little over two metres between the kerb and the barrier. Cargo bikes fit; trailers will be a squeeze.",
      replyTo: 7,
      reactions: 4,
    },
    {
      by: "Marta from Quay Street",
      text: "The school-run group counted forty-one bikes across before half past eight on the first day.",
      replyTo: 3,
      reactions: 5,
    },
  ],
  "ferry-jobs": [
    {
      by: "Old Harbour Hand",
      text: "Eleven permanent posts out of thirty-two is better than most of us expected. The crews earned it this winter.",
      reactions: 7,
    },
    {
      by: "R. Lindgren",
      text: "Will the summer timetable keep the late sailing? That was the one that made the closure bearable.",
      reactions: 2,
    },
  ],
};

/** A post of the demo's live story. */
export interface DemoLivePost {
  minutesAgo: number;
  author: string;
  title?: string;
  text: string[];
  pinned?: boolean;
  keyEvent?: boolean;
  /** Edited after it went out: the story's public history shows the change and the note. */
  edited?: { minutesAgo: number; text: string[]; note: string };
}

/**
 * The demo's live story: a storm crossing the coast, covered as it happens
 * (original writing for the demo, like every story here). The story itself
 * is in STORIES ("storm-live"); these are its posts, oldest first.
 */
export const DEMO_LIVE: { story: string; posts: DemoLivePost[] } = {
  story: "storm-live",
  posts: [
    {
      minutesAgo: 290,
      author: "ines-carvalho",
      title: "Amber wind warning for the whole coast",
      text: [
        "The weather service has raised its warning to amber from six this evening until nine tomorrow morning, with gusts of up to 110 km/h expected on exposed headlands.",
      ],
      keyEvent: true,
    },
    {
      minutesAgo: 240,
      author: "ines-carvalho",
      text: [
        "The council has closed the promenade between the harbour steps and the lifeboat station, and asks drivers to keep off the coast road after dark.",
      ],
    },
    {
      minutesAgo: 205,
      author: "tomas-whitlow",
      title: "All ferry crossings cancelled",
      text: [
        "The ferry operator has cancelled every crossing for the rest of the day. Crews will check the boats at first light and say by seven whether the morning sailings go ahead.",
      ],
      keyEvent: true,
    },
    {
      minutesAgo: 150,
      author: "tomas-whitlow",
      text: [
        "Waves are breaking over the outer harbour wall. The harbour master has moved the small boats on the east quay to the inner basin.",
      ],
    },
    {
      minutesAgo: 95,
      author: "ines-carvalho",
      title: "Power cut in the old town",
      text: [
        "About 1,800 homes in the old town are without power after a line came down on Chapel Hill. The network operator says engineers are on their way but will not climb poles until the wind drops.",
      ],
      keyEvent: true,
      edited: {
        minutesAgo: 70,
        text: [
          "About 2,300 homes in the old town and on Chapel Hill are without power after a line came down there. The network operator says engineers are on their way but will not climb poles until the wind drops.",
        ],
        note: "The network operator raised its count of homes without power.",
      },
    },
    {
      minutesAgo: 60,
      author: "ines-carvalho",
      text: [
        "Rest centre open: the community hall on Market Street is open all night with hot drinks, blankets and phone chargers. Anyone who needs a lift there can call the council's night line.",
      ],
      pinned: true,
    },
    {
      minutesAgo: 25,
      author: "tomas-whitlow",
      text: [
        "The new sea wall on the north beach held at high tide, the council's engineers say. Spray reached the first row of houses but no water came over.",
      ],
    },
  ],
};
