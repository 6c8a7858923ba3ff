"""Demo content: a fictional association of four museums in Berlin and Potsdam (texts in German and English).

All institutions, addresses, people and exhibitions are invented for demonstration purposes.
Time frames use a reference year "Y" that the loader replaces with the current year.
"""

from typing import Any

# Museums
# shop_order deliberately differs from the alphabetical order of the titles
# (de: Haus, Kunsthalle, Stadtmuseum, Werkraum / en: House, Köpenick, Spreeufer, Werkraum).

MUSEUMS: list[dict[str, Any]] = [
    {
        "key": "kunsthalle",
        "shop_order": 1,
        "title": {"de": "Kunsthalle am Spreeufer", "en": "Spreeufer Art Hall"},
        "sub_title": {
            "de": "Zeitgenössische Kunst in Berlin-Mitte",
            "en": "Contemporary art in Berlin-Mitte",
        },
        "description": {
            "de": "Die Kunsthalle am Spreeufer zeigt in einem umgebauten Lagerhaus aus dem Jahr 1894 wechselnde Ausstellungen zu Malerei, Fotografie und Zeichnung. "
            "Ihre eigene Sammlung reicht von der Berliner Moderne bis in die Gegenwart. "
            "Vom Dachcafé aus sieht man bis zum Fernsehturm.",
            "en": "Housed in a converted warehouse from 1894, the Spreeufer Art Hall presents changing exhibitions of painting, photography and drawing. "
            "Its own collection spans Berlin modernism to the present day. "
            "The rooftop café looks out across the river towards the TV tower.",
        },
        "content": {
            "cms_title": {"de": "Kunsthalle am Spreeufer", "en": "Spreeufer Art Hall"},
            "cms_description": {
                "de": "Ausstellungshaus für Moderne und Gegenwartskunst im ehemaligen Speicher am Kunsthallenufer.",
                "en": "Exhibition venue for modern and contemporary art in the former warehouse on Kunsthallenufer.",
            },
            "shop_title": {"de": "Tickets für die Kunsthalle", "en": "Tickets for the Art Hall"},
            "shop_description": {
                "de": "Ein Ticket gilt für alle Ausstellungen des Tages. Am Donnerstagabend ab 18 Uhr ermäßigter Eintritt.",
                "en": "One ticket covers all exhibitions on the day of your visit. Reduced admission on Thursday evenings from 6 pm.",
            },
        },
        "picture": {
            "filename": "kunsthalle.jpg",
            "title": {
                "de": "Die Kunsthalle vom Wasser aus",
                "en": "The Art Hall seen from the water",
            },
            "description": {
                "de": "Backsteinfassade des ehemaligen Speichers mit dem gläsernen Dachaufbau von 2011.",
                "en": "Brick façade of the former warehouse with the glass rooftop extension added in 2011.",
            },
            "copyright_info": {
                "de": "Foto: Lena Brandt / Kunsthalle am Spreeufer",
                "en": "Photo: Lena Brandt / Spreeufer Art Hall",
            },
        },
        "location": {
            "name": "Kunsthalle am Spreeufer",
            "street": "Kunsthallenufer 7",
            "zip": "10179",
            "city": "Berlin",
            "country_code": "DE",
            "latitude": 52.5128,
            "longitude": 13.4085,
        },
        "opening_hours": {
            1: None,
            2: ["10:00", "18:00"],
            3: ["10:00", "18:00"],
            4: ["10:00", "20:00"],
            5: ["10:00", "18:00"],
            6: ["10:00", "18:00"],
            7: ["10:00", "18:00"],
        },
        "opening_exceptions": [
            {
                "month_day": "12-24",
                "hours": None,
                "note": {"de": "Heiligabend geschlossen", "en": "Closed on Christmas Eve"},
            },
            {
                "month_day": "12-31",
                "hours": ["10:00", "14:00"],
                "note": {
                    "de": "Silvester verkürzte Öffnungszeiten",
                    "en": "Shortened opening hours on New Year's Eve",
                },
            },
            {
                "month_day": "01-01",
                "hours": ["13:00", "18:00"],
                "note": {
                    "de": "Neujahr ab 13 Uhr geöffnet",
                    "en": "Open from 1 pm on New Year's Day",
                },
            },
        ],
    },
    {
        "key": "naturkunde",
        "shop_order": 3,
        "title": {"de": "Haus der Naturkunde", "en": "House of Natural History"},
        "sub_title": {"de": "Forschen, sammeln, staunen", "en": "Research, collect, discover"},
        "description": {
            "de": "Das Haus der Naturkunde in Moabit bewahrt mehr als zwei Millionen Objekte, von Mineralien und Insekten bis zu Skeletten großer Säugetiere. "
            "In der gläsernen Präparationswerkstatt können Besucherinnen und Besucher den Fachleuten bei der Arbeit zusehen. "
            "Freitags bleibt das Haus bis 21 Uhr geöffnet.",
            "en": "The House of Natural History in Moabit holds more than two million objects, from minerals and insects to the skeletons of large mammals. "
            "In the glass-walled preparation workshop, visitors can watch the specialists at work. "
            "On Fridays the museum stays open until 9 pm.",
        },
        "content": {
            "cms_title": {"de": "Haus der Naturkunde", "en": "House of Natural History"},
            "cms_description": {
                "de": "Naturkundemuseum mit Forschungssammlung, Schaulabor und Familienprogramm.",
                "en": "Natural history museum with research collection, public lab and family programme.",
            },
            "shop_title": {
                "de": "Eintritt Haus der Naturkunde",
                "en": "Admission House of Natural History",
            },
            "shop_description": {
                "de": "Kinder unter sechs Jahren haben freien Eintritt. Familienkarten gelten für zwei Erwachsene und bis zu drei Kinder.",
                "en": "Children under six enter free of charge. Family tickets are valid for two adults and up to three children.",
            },
        },
        "picture": {
            "filename": "naturkunde.jpg",
            "title": {
                "de": "Die große Halle mit dem Walskelett",
                "en": "The great hall with the whale skeleton",
            },
            "description": {
                "de": "Das 14 Meter lange Skelett eines Finnwals hängt seit 1927 in der zentralen Halle.",
                "en": "The 14-metre skeleton of a fin whale has hung in the central atrium since 1927.",
            },
            "copyright_info": {
                "de": "Foto: Jonas Behrendt / Haus der Naturkunde",
                "en": "Photo: Jonas Behrendt / House of Natural History",
            },
        },
        "location": {
            "name": "Haus der Naturkunde",
            "street": "Lehrter Weg 40",
            "zip": "10557",
            "city": "Berlin",
            "country_code": "DE",
            "latitude": 52.5301,
            "longitude": 13.3622,
        },
        "opening_hours": {
            1: ["09:30", "18:00"],
            2: ["09:30", "18:00"],
            3: ["09:30", "18:00"],
            4: ["09:30", "18:00"],
            5: ["09:30", "21:00"],
            6: ["10:00", "18:00"],
            7: ["10:00", "18:00"],
        },
        "opening_exceptions": [
            {
                "month_day": "12-24",
                "hours": None,
                "note": {"de": "Heiligabend geschlossen", "en": "Closed on Christmas Eve"},
            },
            {
                "month_day": "12-25",
                "hours": ["12:00", "18:00"],
                "note": {"de": "1. Weihnachtsfeiertag ab 12 Uhr", "en": "Christmas Day from noon"},
            },
            {
                "month_day": "12-31",
                "hours": ["09:30", "15:00"],
                "note": {
                    "de": "Silvester bis 15 Uhr geöffnet",
                    "en": "Open until 3 pm on New Year's Eve",
                },
            },
            {
                "month_day": "01-01",
                "hours": None,
                "note": {"de": "Neujahr geschlossen", "en": "Closed on New Year's Day"},
            },
        ],
    },
    {
        "key": "stadtmuseum",
        "shop_order": 4,
        "title": {"de": "Stadtmuseum Köpenick", "en": "Köpenick City Museum"},
        "sub_title": {
            "de": "Geschichte zwischen Dahme und Spree",
            "en": "History between the Dahme and the Spree",
        },
        "description": {
            "de": "Das Stadtmuseum Köpenick erzählt in einem barocken Bürgerhaus am Kietz die Geschichte des Ortes vom slawischen Burgwall bis zur Wiedervereinigung. "
            "Ein Schwerpunkt liegt auf Handwerk, Fischerei und den großen Wäschereien, die Köpenick einst den Spitznamen „Waschküche Berlins“ einbrachten.",
            "en": "Set in a baroque town house on the Kietz, Köpenick City Museum tells the story of the area from the Slavic hillfort to German reunification. "
            "A particular focus lies on crafts, fishing and the large laundries that once earned Köpenick the nickname “Berlin's wash house”.",
        },
        "content": {
            "cms_title": {"de": "Stadtmuseum Köpenick", "en": "Köpenick City Museum"},
            "cms_description": {
                "de": "Regionalmuseum für den Südosten Berlins mit Archiv und Lesesaal.",
                "en": "Local history museum for south-east Berlin with archive and reading room.",
            },
            "shop_title": {
                "de": "Tickets Stadtmuseum Köpenick",
                "en": "Tickets Köpenick City Museum",
            },
            "shop_description": {
                "de": "Stadtführungen ab dem Museum finden samstags um 14 Uhr statt und können zusammen mit dem Eintritt gebucht werden.",
                "en": "Guided town walks start at the museum on Saturdays at 2 pm and can be booked together with admission.",
            },
        },
        "picture": None,  # the one museum without a picture
        "location": {
            "name": "Stadtmuseum Köpenick",
            "street": "Kietzer Anger 5",
            "zip": "12555",
            "city": "Berlin",
            "country_code": "DE",
            "latitude": 52.4432,
            "longitude": 13.5780,
        },
        "opening_hours": {
            1: None,
            2: None,
            3: ["11:00", "19:00"],
            4: ["11:00", "17:00"],
            5: ["11:00", "17:00"],
            6: ["11:00", "18:00"],
            7: ["11:00", "18:00"],
        },
        "opening_exceptions": [
            {
                "month_day": "12-24",
                "hours": None,
                "note": {"de": "Heiligabend geschlossen", "en": "Closed on Christmas Eve"},
            },
            {
                "month_day": "12-31",
                "hours": None,
                "note": {"de": "Silvester geschlossen", "en": "Closed on New Year's Eve"},
            },
            {
                "month_day": "10-03",
                "hours": ["11:00", "16:00"],
                "note": {
                    "de": "Tag der Deutschen Einheit: Eintritt frei",
                    "en": "German Unity Day: free admission",
                },
            },
        ],
    },
    {
        "key": "werkraum",
        "shop_order": 2,
        "title": {
            "de": "Werkraum – Museum für Technik und Gestaltung",
            "en": "Werkraum – Museum of Technology and Design",
        },
        "sub_title": {"de": "Kleine Dinge, große Ideen", "en": "Small things, big ideas"},
        "description": {
            "de": "Der Werkraum in einem ehemaligen Kornspeicher am Potsdamer Hafen widmet sich Alltagsgegenständen, Rechenmaschinen und Industriedesign. "
            "Viele Exponate dürfen angefasst und ausprobiert werden. "
            "Samstags lädt das Museum bis 20 Uhr zu offenen Werkstätten ein.",
            "en": "Located in a former granary by Potsdam's harbour, the Werkraum is devoted to everyday objects, calculating machines and industrial design. "
            "Many exhibits may be touched and tried out. "
            "On Saturdays the museum stays open until 8 pm with open workshops.",
        },
        "content": {
            "cms_title": {"de": "Werkraum Potsdam", "en": "Werkraum Potsdam"},
            "cms_description": {
                "de": "Mitmachmuseum für Technikgeschichte und Produktgestaltung.",
                "en": "Hands-on museum of the history of technology and product design.",
            },
            "shop_title": {"de": "Eintritt Werkraum", "en": "Admission Werkraum"},
            "shop_description": {
                "de": "Die Teilnahme an den offenen Werkstätten ist im Eintritt enthalten; Material wird gestellt.",
                "en": "Open workshops are included in the admission price; materials are provided.",
            },
        },
        "picture": {
            "filename": "werkraum.jpg",
            "title": {"de": "Der alte Kornspeicher", "en": "The old granary"},
            "description": {
                "de": "Der Speicher von 1911 wurde 2016 behutsam zum Museum umgebaut.",
                "en": "The 1911 granary was carefully converted into a museum in 2016.",
            },
            "copyright_info": {
                "de": "Foto: Miriam Olszewski / Werkraum",
                "en": "Photo: Miriam Olszewski / Werkraum",
            },
        },
        "location": {
            "name": "Werkraum im Kornspeicher",
            "street": "Speicherufer 9",
            "zip": "14467",
            "city": "Potsdam",
            "country_code": "DE",
            "latitude": 52.4005,
            "longitude": 13.0671,
        },
        "opening_hours": {
            1: None,
            2: ["10:00", "17:00"],
            3: ["10:00", "17:00"],
            4: ["10:00", "17:00"],
            5: ["10:00", "17:00"],
            6: ["10:00", "20:00"],
            7: ["10:00", "18:00"],
        },
        "opening_exceptions": [
            {
                "month_day": "12-24",
                "hours": None,
                "note": {"de": "Heiligabend geschlossen", "en": "Closed on Christmas Eve"},
            },
            {
                "month_day": "12-31",
                "hours": ["10:00", "14:00"],
                "note": {"de": "Silvester bis 14 Uhr", "en": "Open until 2 pm on New Year's Eve"},
            },
            {
                "month_day": "05-01",
                "hours": None,
                "note": {"de": "Am 1. Mai geschlossen", "en": "Closed on 1 May"},
            },
        ],
    },
]

# Exhibitions

EXHIBITIONS: list[dict[str, Any]] = [
    # --- Kunsthalle am Spreeufer -------------------------------------------
    {
        "museum": "kunsthalle",
        "foreign_id": "cms-sammlung-moderne",
        "title": {
            "de": "Aufbruch und Gegenwart. Die Sammlung",
            "en": "Departure and Present: The Collection",
        },
        "sub_title": {
            "de": "Kunst aus Berlin von 1905 bis heute",
            "en": "Art from Berlin, 1905 to today",
        },
        "slider_description": {
            "de": "Rund 180 Werke aus der eigenen Sammlung",
            "en": "Some 180 works from the house collection",
        },
        "description": {
            "de": "Die Sammlungspräsentation führt auf zwei Etagen von den Anfängen der Moderne bis zu aktuellen Positionen. "
            "Neben bekannten Gemälden sind selten gezeigte Druckgrafiken und Skulpturen zu entdecken. "
            "Einmal im Jahr wird ein Raum von Studierenden der Kunsthochschulen neu eingerichtet.",
            "en": "Spread over two floors, the collection display leads from the beginnings of modernism to current positions. "
            "Alongside well-known paintings, visitors can discover rarely shown prints and sculptures. "
            "Once a year one room is rearranged by art school students.",
        },
        "featured": False,
        "picture": {
            "filename": "sammlung.jpg",
            "title": {"de": "Blick in den Sammlungssaal", "en": "View of the collection gallery"},
            "description": {
                "de": "Der große Saal im ersten Obergeschoss.",
                "en": "The main gallery on the first floor.",
            },
            "copyright_info": {"de": "Foto: Lena Brandt", "en": "Photo: Lena Brandt"},
        },
        "content": {
            "cms_title": {"de": "Die Sammlung", "en": "The Collection"},
            "cms_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "cms_description": {
                "de": "Werke der Moderne und Gegenwart aus eigenem Bestand.",
                "en": "Modern and contemporary works from the house collection.",
            },
            "shop_title": {
                "de": "Sammlung (im Eintritt enthalten)",
                "en": "Collection (included in admission)",
            },
            "shop_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "shop_description": {
                "de": "Jedes Ticket der Kunsthalle berechtigt zum Besuch der Sammlung.",
                "en": "Every Art Hall ticket includes a visit to the collection.",
            },
        },
        "location": None,
        "time_frames": [],  # permanent
    },
    {
        # title contains "Licht" / "Light" (search test)
        "museum": "kunsthalle",
        "foreign_id": "cms-ausstellung-licht",
        "title": {
            "de": "Licht der Großstadt. Berliner Nachtbilder 1900–1930",
            "en": "Light of the Metropolis: Berlin Night Scenes 1900–1930",
        },
        "sub_title": {
            "de": "Malerei, Grafik und frühe Fotografie",
            "en": "Painting, prints and early photography",
        },
        "slider_description": {
            "de": "Die Großstadt nach Einbruch der Dunkelheit",
            "en": "The metropolis after dark",
        },
        "description": {
            "de": "Mit der elektrischen Straßenbeleuchtung veränderte sich der Blick auf Berlin. "
            "Die Ausstellung versammelt mehr als 90 Werke, die Boulevards, Bahnhöfe und Vergnügungslokale bei Nacht zeigen. "
            "Ein eigener Raum widmet sich den Leuchtreklamen am Potsdamer Platz.",
            "en": "Electric street lamps changed the way people saw Berlin. "
            "The exhibition brings together more than 90 works showing boulevards, railway stations and places of entertainment by night. "
            "A separate room is devoted to the illuminated advertising at Potsdamer Platz.",
        },
        "featured": True,
        "picture": {
            "filename": "licht-der-grossstadt.jpg",
            "title": {"de": "Friedrichstraße bei Nacht", "en": "Friedrichstraße at night"},
            "description": {
                "de": "Ausschnitt aus einem Pastell von 1912 (Sammlung Hartwig).",
                "en": "Detail of a pastel from 1912 (Hartwig collection).",
            },
            "copyright_info": {
                "de": "Foto: Kunsthalle am Spreeufer",
                "en": "Photo: Spreeufer Art Hall",
            },
        },
        "content": {
            "cms_title": {"de": "Licht der Großstadt", "en": "Light of the Metropolis"},
            "cms_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "cms_description": {
                "de": "Berliner Nachtbilder aus drei Jahrzehnten.",
                "en": "Berlin night scenes from three decades.",
            },
            "shop_title": {
                "de": "Licht der Großstadt – Zeitfenster-Ticket",
                "en": "Light of the Metropolis – timed ticket",
            },
            "shop_sub_title": {"de": "inklusive Sammlung", "en": "collection included"},
            "shop_description": {
                "de": "Bitte buchen Sie ein Zeitfenster; der Einlass ist 15 Minuten lang möglich.",
                "en": "Please book a time slot; entry is possible within 15 minutes.",
            },
        },
        "location": None,
        "time_frames": [["Y-03-01 10:00", "Y-08-31 18:00"]],
    },
    {
        # title starts with "Über" / umlaut for case-insensitive non-ASCII search
        "museum": "kunsthalle",
        "foreign_id": "cms-ausstellung-zeichnung",
        "title": {
            "de": "Über die Linie hinaus. Zeichnung heute",
            "en": "Beyond the Line: Drawing Today",
        },
        "sub_title": {
            "de": "Zwölf Positionen aus Berlin und Breslau",
            "en": "Twelve positions from Berlin and Wrocław",
        },
        "slider_description": {
            "de": "Zeichnung im Raum, auf Papier und an der Wand",
            "en": "Drawing in space, on paper and on the wall",
        },
        "description": {
            "de": "Zwölf Künstlerinnen und Künstler erweitern die Zeichnung in den Raum: mit Draht, Klebeband, Projektion und Kohle direkt auf der Wand. "
            "Wegen des großen Andrangs wurde die Ausstellung nach der Winterpause verlängert.",
            "en": "Twelve artists extend drawing into space, using wire, tape, projection and charcoal applied directly to the wall. "
            "Due to popular demand the exhibition was extended after the winter break.",
        },
        "featured": False,
        "picture": {
            "filename": "ueber-die-linie.jpg",
            "title": {"de": "Wandzeichnung im Oktogon", "en": "Wall drawing in the octagon"},
            "description": {
                "de": "Kohle auf Putz, sieben Meter breit.",
                "en": "Charcoal on plaster, seven metres wide.",
            },
            "copyright_info": {"de": "Foto: Tomasz Wierzbicki", "en": "Photo: Tomasz Wierzbicki"},
        },
        "content": {
            "cms_title": {"de": "Über die Linie hinaus", "en": "Beyond the Line"},
            "cms_sub_title": {"de": "Zeichnung heute", "en": "Drawing today"},
            "cms_description": {
                "de": "Gegenwartszeichnung aus zwei Städten.",
                "en": "Contemporary drawing from two cities.",
            },
            "shop_title": {"de": "Über die Linie hinaus", "en": "Beyond the Line"},
            "shop_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "shop_description": {
                "de": "Im regulären Eintritt enthalten.",
                "en": "Included in regular admission.",
            },
        },
        "location": None,
        # two disjoint frames: winter break, then extension
        "time_frames": [["Y-1-09-15 10:00", "Y-1-12-20 18:00"], ["Y-01-08 10:00", "Y-02-28 18:00"]],
    },
    {
        "museum": "kunsthalle",
        "foreign_id": None,
        "title": {
            "de": "Am Wasser gebaut. Fotografie vom Osthafen",
            "en": "Built on Water: Photographs from the East Harbour",
        },
        "sub_title": {"de": "Im Projektraum Osthafen", "en": "At the East Harbour project space"},
        "slider_description": {
            "de": "Hafen, Speicher und Stadtumbau in Bildern",
            "en": "Harbour, warehouses and urban change in pictures",
        },
        "description": {
            "de": "Drei Fotografinnen haben den Berliner Osthafen zehn Jahre lang begleitet. "
            "Ihre Bilder zeigen den Wandel von Kränen und Kohlelagern zu Büros, Clubs und Uferwegen. "
            "Die Ausstellung findet in unserem Projektraum direkt am Hafenbecken statt.",
            "en": "Three photographers followed Berlin's East Harbour over a period of ten years. "
            "Their pictures trace the shift from cranes and coal yards to offices, clubs and riverside paths. "
            "The exhibition takes place in our project space right on the harbour basin.",
        },
        "featured": False,
        "picture": None,
        "content": {
            "cms_title": {"de": "Am Wasser gebaut", "en": "Built on Water"},
            "cms_sub_title": {"de": "Außenstandort Osthafen", "en": "Satellite venue East Harbour"},
            "cms_description": {
                "de": "Fotografie zum Stadtumbau an der Spree.",
                "en": "Photography on urban change along the Spree.",
            },
            "shop_title": {
                "de": "Am Wasser gebaut – Projektraum",
                "en": "Built on Water – project space",
            },
            "shop_sub_title": {"de": "Separater Eintritt", "en": "Separate admission"},
            "shop_description": {
                "de": "Das Ticket gilt nur für den Projektraum Osthafen, nicht für das Haupthaus.",
                "en": "This ticket is valid for the East Harbour project space only, not for the main building.",
            },
        },
        "location": {
            "name": "Projektraum Osthafen",
            "street": "Osthafenkai 3",
            "zip": "10245",
            "city": "Berlin",
            "country_code": "DE",
            "latitude": 52.5012,
            "longitude": 13.4489,
        },
        "time_frames": [["Y+1-02-01 11:00", "Y+1-05-31 19:00"]],
    },
    # --- Haus der Naturkunde -----------------------------------------------
    {
        "museum": "naturkunde",
        "foreign_id": "cms-dauer-arten",
        "title": {"de": "Welt der Arten", "en": "World of Species"},
        "sub_title": {
            "de": "Vielfalt des Lebens in sechs Sälen",
            "en": "The diversity of life in six halls",
        },
        "slider_description": {
            "de": "Vom Einzeller bis zum Finnwal",
            "en": "From single cells to the fin whale",
        },
        "description": {
            "de": "Die Dauerausstellung zeigt, wie Arten entstehen, sich anpassen und wieder verschwinden. "
            "Herzstück ist die Wand der Vielfalt mit mehr als 3.000 Präparaten. "
            "An Mikroskopstationen lassen sich Proben aus Berliner Gewässern selbst untersuchen.",
            "en": "The permanent exhibition shows how species arise, adapt and disappear again. "
            "Its centrepiece is the Wall of Diversity with more than 3,000 specimens. "
            "At microscope stations visitors can examine samples from Berlin's waters themselves.",
        },
        "featured": True,
        "picture": {
            "filename": "welt-der-arten.jpg",
            "title": {"de": "Die Wand der Vielfalt", "en": "The Wall of Diversity"},
            "description": {
                "de": "Präparate von Vögeln, Säugetieren und Insekten auf vier Ebenen.",
                "en": "Specimens of birds, mammals and insects on four levels.",
            },
            "copyright_info": {"de": "Foto: Jonas Behrendt", "en": "Photo: Jonas Behrendt"},
        },
        "content": {
            "cms_title": {"de": "Welt der Arten", "en": "World of Species"},
            "cms_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "cms_description": {
                "de": "Evolution und Artenvielfalt zum Anfassen.",
                "en": "Evolution and biodiversity, hands on.",
            },
            "shop_title": {"de": "Welt der Arten", "en": "World of Species"},
            "shop_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "shop_description": {
                "de": "Im Museumseintritt enthalten.",
                "en": "Included in museum admission.",
            },
        },
        "location": None,
        "time_frames": [],  # permanent
    },
    {
        "museum": "naturkunde",
        "foreign_id": "cms-eiszeit",
        "title": {"de": "Eiszeit an der Spree", "en": "Ice Age on the Spree"},
        "sub_title": {
            "de": "Mammut, Wollnashorn und Rentier in Brandenburg",
            "en": "Mammoth, woolly rhino and reindeer in Brandenburg",
        },
        "slider_description": {
            "de": "Als Gletscher das Land formten",
            "en": "When glaciers shaped the land",
        },
        "description": {
            "de": "Vor 20.000 Jahren lag dort, wo heute Berlin steht, eine kalte Steppe am Rand des Eises. "
            "Funde aus Kiesgruben und Baustellen erzählen von Mammuts, Wollnashörnern und den ersten Menschen in der Region. "
            "Wegen Umbauarbeiten im Sonderausstellungssaal pausiert die Schau im Mai.",
            "en": "Twenty thousand years ago, the place where Berlin now stands was a cold steppe at the edge of the ice. "
            "Finds from gravel pits and building sites tell of mammoths, woolly rhinos and the first people in the region. "
            "The show pauses in May due to building work in the special exhibition hall.",
        },
        "featured": True,
        "picture": {
            "filename": "eiszeit.jpg",
            "title": {"de": "Mammutstoßzahn aus Spandau", "en": "Mammoth tusk from Spandau"},
            "description": {
                "de": "Gefunden 1998 beim Bau einer Tiefgarage.",
                "en": "Found in 1998 during construction of an underground car park.",
            },
            "copyright_info": {
                "de": "Foto: Haus der Naturkunde / Anke Vogt",
                "en": "Photo: House of Natural History / Anke Vogt",
            },
        },
        "content": {
            "cms_title": {"de": "Eiszeit an der Spree", "en": "Ice Age on the Spree"},
            "cms_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "cms_description": {
                "de": "Die letzte Kaltzeit in Berlin und Brandenburg.",
                "en": "The last glacial period in Berlin and Brandenburg.",
            },
            "shop_title": {"de": "Eiszeit an der Spree", "en": "Ice Age on the Spree"},
            "shop_sub_title": {"de": "Zuschlag 3 €", "en": "Supplement €3"},
            "shop_description": {
                "de": "Im Mai geschlossen, danach wieder geöffnet.",
                "en": "Closed in May, reopening afterwards.",
            },
        },
        "location": None,
        # two disjoint frames: pause in May
        "time_frames": [["Y-01-20 09:30", "Y-04-30 18:00"], ["Y-06-01 09:30", "Y-09-30 18:00"]],
    },
    {
        # English text missing (sub_title and description) -> fallback to German
        "museum": "naturkunde",
        "foreign_id": None,
        "title": {"de": "Insekten im Kiez", "en": "Insects in the Neighbourhood"},
        "sub_title": {"de": "Ein Sommer lang Krabbeltiere zählen", "en": None},
        "slider_description": {
            "de": "Bürgerwissenschaft auf Balkonen und Brachen",
            "en": "Citizen science on balconies and wasteland",
        },
        "description": {
            "de": "Mehr als 400 Berlinerinnen und Berliner haben einen Sommer lang Insekten auf Balkonen, Friedhöfen und Brachflächen gezählt. "
            "Die Ausstellung zeigt ihre erstaunlichsten Funde und erklärt, warum Stadtnatur für Wildbienen wichtig ist.",
            "en": None,
        },
        "featured": False,
        "picture": None,
        "content": {
            "cms_title": {"de": "Insekten im Kiez", "en": "Insects in the Neighbourhood"},
            "cms_sub_title": {"de": "Mitmachprojekt", "en": "Citizen science project"},
            "cms_description": {
                "de": "Ergebnisse des Insektensommers.",
                "en": "Results of the insect summer.",
            },
            "shop_title": {"de": "Insekten im Kiez", "en": "Insects in the Neighbourhood"},
            "shop_sub_title": {"de": "Kabinettausstellung", "en": "Cabinet exhibition"},
            "shop_description": {
                "de": "Im Museumseintritt enthalten.",
                "en": "Included in museum admission.",
            },
        },
        "location": None,
        "time_frames": [["Y-1-04-01 09:30", "Y-1-10-31 18:00"]],
    },
    {
        "museum": "naturkunde",
        "foreign_id": "cms-meteoriten",
        "title": {"de": "Meteoriten. Boten aus dem All", "en": "Meteorites: Messengers from Space"},
        "sub_title": {
            "de": "Gestein, das älter ist als die Erde",
            "en": "Rock older than the Earth",
        },
        "slider_description": {
            "de": "Anfassen erlaubt: ein Stück vom Mars",
            "en": "Touch allowed: a piece of Mars",
        },
        "description": {
            "de": "Manche Meteoriten sind 4,5 Milliarden Jahre alt und damit Zeugen aus der Entstehungszeit des Sonnensystems. "
            "Die Ausstellung zeigt mehr als 200 Fundstücke, darunter einen Eisenmeteoriten, der 1916 in der Uckermark niederging. "
            "Ein Planetariumsfilm ergänzt den Rundgang.",
            "en": "Some meteorites are 4.5 billion years old, making them witnesses to the formation of the solar system. "
            "The exhibition presents more than 200 finds, including an iron meteorite that fell in the Uckermark in 1916. "
            "A planetarium film complements the tour.",
        },
        "featured": False,
        "picture": {
            "filename": "meteoriten.jpg",
            "title": {
                "de": "Eisenmeteorit, angeschliffen",
                "en": "Iron meteorite, polished section",
            },
            "description": {
                "de": "Die Widmanstätten-Struktur wird durch Ätzen sichtbar.",
                "en": "The Widmanstätten pattern becomes visible through etching.",
            },
            "copyright_info": {"de": "Foto: Anke Vogt", "en": "Photo: Anke Vogt"},
        },
        "content": {
            "cms_title": {"de": "Meteoriten", "en": "Meteorites"},
            "cms_sub_title": {"de": "Boten aus dem All", "en": "Messengers from space"},
            "cms_description": {
                "de": "Gesteine aus dem Weltraum und ihre Geschichte.",
                "en": "Rocks from space and their story.",
            },
            "shop_title": {
                "de": "Meteoriten – mit Planetariumsfilm",
                "en": "Meteorites – with planetarium film",
            },
            "shop_sub_title": {"de": "Vorverkauf", "en": "Advance sale"},
            "shop_description": {
                "de": "Der Film läuft stündlich zur vollen Stunde.",
                "en": "The film is shown every hour on the hour.",
            },
        },
        "location": None,
        "time_frames": [["Y+1-03-15 09:30", "Y+1-09-15 18:00"]],
    },
    # --- Stadtmuseum Köpenick ----------------------------------------------
    {
        "museum": "stadtmuseum",
        "foreign_id": None,
        "title": {
            "de": "Vom Fischerdorf zur Großstadt",
            "en": "From Fishing Village to Metropolis",
        },
        "sub_title": {
            "de": "Köpenicker Geschichte in zwölf Stationen",
            "en": "Köpenick's history in twelve stations",
        },
        "slider_description": {
            "de": "Tausend Jahre Ortsgeschichte",
            "en": "A thousand years of local history",
        },
        "description": {
            "de": "Der Rundgang beginnt mit Funden vom slawischen Burgwall auf der Schlossinsel und endet mit der Eingemeindung nach Groß-Berlin und der Zeit danach. "
            "Modelle, Werkzeuge und Erinnerungsstücke aus Köpenicker Familien machen Alltagsgeschichte greifbar.",
            "en": "The tour begins with finds from the Slavic hillfort on the palace island and ends with the incorporation into Greater Berlin and the decades that followed. "
            "Models, tools and keepsakes from Köpenick families bring everyday history to life.",
        },
        "featured": False,
        "picture": {
            "filename": "fischerdorf.jpg",
            "title": {
                "de": "Modell der Altstadt um 1750",
                "en": "Model of the old town around 1750",
            },
            "description": {
                "de": "Maßstab 1:200, gebaut vom Heimatverein 1963.",
                "en": "Scale 1:200, built by the local history society in 1963.",
            },
            "copyright_info": {
                "de": "Foto: Stadtmuseum Köpenick / Udo Lehmann",
                "en": "Photo: Köpenick City Museum / Udo Lehmann",
            },
        },
        "content": {
            "cms_title": {
                "de": "Vom Fischerdorf zur Großstadt",
                "en": "From Fishing Village to Metropolis",
            },
            "cms_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "cms_description": {
                "de": "Ortsgeschichte von den Anfängen bis heute.",
                "en": "Local history from the beginnings to the present.",
            },
            "shop_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "shop_sub_title": {"de": "Stadtmuseum Köpenick", "en": "Köpenick City Museum"},
            "shop_description": {
                "de": "Audioguide auf Deutsch, Englisch und Polnisch erhältlich.",
                "en": "Audio guide available in German, English and Polish.",
            },
        },
        "location": None,
        "time_frames": [],  # permanent
    },
    {
        "museum": "stadtmuseum",
        "foreign_id": "cms-hauptmann",
        "title": {"de": "Der Hauptmann und die Stadt", "en": "The Captain and the Town"},
        "sub_title": {
            "de": "Ein Streich, der um die Welt ging",
            "en": "A hoax that went around the world",
        },
        "slider_description": {
            "de": "Uniform, Rathaus, Stadtkasse: Oktober 1906",
            "en": "Uniform, town hall, treasury: October 1906",
        },
        "description": {
            "de": "Im Oktober 1906 besetzte ein Schuster in geliehener Uniform das Köpenicker Rathaus und ließ sich die Stadtkasse aushändigen. "
            "Die Ausstellung fragt, warum die Geschichte bis heute fasziniert, und zeigt Zeitungsberichte, Karikaturen und Theaterplakate aus aller Welt.",
            "en": "In October 1906 a cobbler in a borrowed uniform occupied Köpenick town hall and had the municipal treasury handed over to him. "
            "The exhibition asks why the story still fascinates and shows newspaper reports, cartoons and theatre posters from around the world.",
        },
        "featured": True,
        "picture": {
            "filename": "hauptmann.jpg",
            "title": {
                "de": "Karikatur aus einer Londoner Zeitschrift",
                "en": "Cartoon from a London magazine",
            },
            "description": {
                "de": "Spott auf den preußischen Uniformgehorsam, November 1906.",
                "en": "Mockery of Prussian deference to uniforms, November 1906.",
            },
            "copyright_info": {
                "de": "Foto: Stadtmuseum Köpenick",
                "en": "Photo: Köpenick City Museum",
            },
        },
        "content": {
            "cms_title": {"de": "Der Hauptmann und die Stadt", "en": "The Captain and the Town"},
            "cms_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "cms_description": {
                "de": "Geschichte und Nachleben eines berühmten Streichs.",
                "en": "History and legacy of a famous hoax.",
            },
            "shop_title": {"de": "Der Hauptmann und die Stadt", "en": "The Captain and the Town"},
            "shop_sub_title": {"de": "mit Rathausführung", "en": "with town hall tour"},
            "shop_description": {
                "de": "Die Führung durch das Rathaus beginnt jeweils um 15 Uhr am Museumseingang.",
                "en": "The town hall tour starts at 3 pm at the museum entrance.",
            },
        },
        "location": None,
        "time_frames": [["Y-04-16 11:00", "Y-10-16 18:00"]],
    },
    {
        # English text missing (sub_title and description) -> fallback to German
        "museum": "stadtmuseum",
        "foreign_id": None,
        "title": {"de": "Wasser, Werft und Wäscherei", "en": "Water, Shipyards and Laundries"},
        "sub_title": {"de": "Arbeit an der Dahme 1870–1990", "en": None},
        "slider_description": {
            "de": "Als Köpenick für Berlin die Wäsche wusch",
            "en": "When Köpenick did Berlin's washing",
        },
        "description": {
            "de": "Um 1900 arbeiteten in Köpenick Tausende Frauen in Wäschereien und Färbereien, während an den Ufern Boote und Dampfer gebaut wurden. "
            "Interviews mit ehemaligen Beschäftigten, Maschinen und Arbeitskleidung zeigen, wie Wasser den Alltag im Bezirk prägte.",
            "en": None,
        },
        "featured": False,
        "picture": {
            "filename": "waescherei.jpg",
            "title": {"de": "Mangelstube, um 1925", "en": "Ironing room, around 1925"},
            "description": {
                "de": "Glasplattennegativ aus dem Museumsarchiv.",
                "en": "Glass plate negative from the museum archive.",
            },
            "copyright_info": {
                "de": "Foto: Archiv Stadtmuseum Köpenick",
                "en": "Photo: Köpenick City Museum archive",
            },
        },
        "content": {
            "cms_title": {
                "de": "Wasser, Werft und Wäscherei",
                "en": "Water, Shipyards and Laundries",
            },
            "cms_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "cms_description": {
                "de": "Industrie- und Sozialgeschichte am Fluss.",
                "en": "Industrial and social history by the river.",
            },
            "shop_title": {
                "de": "Wasser, Werft und Wäscherei",
                "en": "Water, Shipyards and Laundries",
            },
            "shop_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "shop_description": {"de": "Im Eintritt enthalten.", "en": "Included in admission."},
        },
        "location": None,
        "time_frames": [["Y-1-05-01 11:00", "Y-1-11-30 17:00"]],
    },
    # --- Werkraum Potsdam ---------------------------------------------------
    {
        "museum": "werkraum",
        "foreign_id": "cms-dinge-des-alltags",
        "title": {
            "de": "Dinge des Alltags. Hundert Jahre Gestaltung",
            "en": "Everyday Things: A Century of Design",
        },
        "sub_title": {
            "de": "Vom Eierbecher bis zum Kofferradio",
            "en": "From egg cup to transistor radio",
        },
        "slider_description": {
            "de": "Gutes Design aus Ost und West",
            "en": "Good design from East and West",
        },
        "description": {
            "de": "Rund 600 Gebrauchsgegenstände aus Küche, Büro und Kinderzimmer zeigen, wie sich Form, Material und Herstellung im 20. Jahrhundert verändert haben. "
            "Produkte aus der DDR und der Bundesrepublik stehen bewusst nebeneinander. "
            "An der Werkbank lassen sich Entwürfe selbst nachbauen.",
            "en": "Some 600 everyday objects from kitchens, offices and children's rooms show how form, material and manufacturing changed during the 20th century. "
            "Products from East and West Germany are deliberately shown side by side. "
            "At the workbench visitors can rebuild designs themselves.",
        },
        "featured": False,
        "picture": {
            "filename": "dinge-des-alltags.jpg",
            "title": {"de": "Regal der Küchengeräte", "en": "Shelf of kitchen appliances"},
            "description": {
                "de": "Mixer, Waagen und Kaffeemühlen aus sieben Jahrzehnten.",
                "en": "Mixers, scales and coffee grinders from seven decades.",
            },
            "copyright_info": {"de": "Foto: Miriam Olszewski", "en": "Photo: Miriam Olszewski"},
        },
        "content": {
            "cms_title": {"de": "Dinge des Alltags", "en": "Everyday Things"},
            "cms_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "cms_description": {
                "de": "Produktgestaltung im 20. Jahrhundert.",
                "en": "Product design in the 20th century.",
            },
            "shop_title": {"de": "Dinge des Alltags", "en": "Everyday Things"},
            "shop_sub_title": {"de": "Dauerausstellung", "en": "Permanent exhibition"},
            "shop_description": {
                "de": "Im Eintritt enthalten, Werkbank ohne Anmeldung.",
                "en": "Included in admission, workbench without registration.",
            },
        },
        "location": None,
        "time_frames": [],  # permanent
    },
    {
        "museum": "werkraum",
        "foreign_id": "cms-rechnen",
        "title": {"de": "Rechnen, bevor es Computer gab", "en": "Calculating Before Computers"},
        "sub_title": {
            "de": "Rechenschieber, Kurbeln und Lochkarten",
            "en": "Slide rules, cranks and punched cards",
        },
        "slider_description": {
            "de": "Zum Ausprobieren: 40 historische Rechenmaschinen",
            "en": "Try them out: 40 historic calculating machines",
        },
        "description": {
            "de": "Von der Rechenstube des 18. Jahrhunderts bis zum elektronischen Tischrechner: Die Ausstellung erzählt, wie Menschen große Zahlenmengen bewältigten. "
            "Viele Maschinen sind funktionsfähig und dürfen unter Anleitung bedient werden. "
            "Nach einer Sommerpause wird die Schau bis Ende November verlängert.",
            "en": "From the counting house of the 18th century to the electronic desk calculator, the exhibition tells how people handled large amounts of figures. "
            "Many machines still work and may be operated under supervision. "
            "After a summer break, the show is extended until the end of November.",
        },
        "featured": True,
        "picture": {
            "filename": "rechnen.jpg",
            "title": {"de": "Sprossenradmaschine, 1928", "en": "Pinwheel calculator, 1928"},
            "description": {
                "de": "Leihgabe eines Potsdamer Sammlers.",
                "en": "On loan from a Potsdam collector.",
            },
            "copyright_info": {
                "de": "Foto: Werkraum / Felix Gärtner",
                "en": "Photo: Werkraum / Felix Gärtner",
            },
        },
        "content": {
            "cms_title": {
                "de": "Rechnen, bevor es Computer gab",
                "en": "Calculating Before Computers",
            },
            "cms_sub_title": {"de": "Sonderausstellung", "en": "Special exhibition"},
            "cms_description": {
                "de": "Mechanische Rechenhilfen zum Anfassen.",
                "en": "Mechanical calculating aids to touch.",
            },
            "shop_title": {
                "de": "Rechnen, bevor es Computer gab",
                "en": "Calculating Before Computers",
            },
            "shop_sub_title": {"de": "Familienticket verfügbar", "en": "Family ticket available"},
            "shop_description": {
                "de": "Vorführungen täglich um 11 und 15 Uhr.",
                "en": "Demonstrations daily at 11 am and 3 pm.",
            },
        },
        "location": None,
        # two disjoint frames: summer break, then extension
        "time_frames": [["Y-02-01 10:00", "Y-06-30 17:00"], ["Y-09-01 10:00", "Y-11-30 17:00"]],
    },
    {
        "museum": "werkraum",
        "foreign_id": None,
        "title": {"de": "Stromlinie. Gestaltung in Bewegung", "en": "Streamline: Designing Motion"},
        "sub_title": {
            "de": "Züge, Toaster und Füllhalter der 1930er Jahre",
            "en": "Trains, toasters and fountain pens of the 1930s",
        },
        "slider_description": {
            "de": "Als alles schnell aussehen sollte",
            "en": "When everything had to look fast",
        },
        "description": {
            "de": "In den 1930er Jahren bekamen nicht nur Lokomotiven, sondern auch Bleistiftspitzer und Bügeleisen abgerundete, windschnittige Formen. "
            "Die Ausstellung verfolgt den Stil vom Windkanal bis ins Wohnzimmer und fragt nach seiner Verbindung zu Fortschrittsglauben und Propaganda.",
            "en": "In the 1930s not only locomotives but also pencil sharpeners and irons took on rounded, aerodynamic shapes. "
            "The exhibition follows the style from the wind tunnel to the living room and asks about its links to faith in progress and to propaganda.",
        },
        "featured": False,
        "picture": None,
        "content": {
            "cms_title": {"de": "Stromlinie", "en": "Streamline"},
            "cms_sub_title": {"de": "Gestaltung in Bewegung", "en": "Designing motion"},
            "cms_description": {
                "de": "Ein Designstil zwischen Technik und Mythos.",
                "en": "A design style between technology and myth.",
            },
            "shop_title": {"de": "Stromlinie", "en": "Streamline"},
            "shop_sub_title": {"de": "Vorverkauf", "en": "Advance sale"},
            "shop_description": {
                "de": "Tickets gelten auch für die Dauerausstellung.",
                "en": "Tickets are also valid for the permanent exhibition.",
            },
        },
        "location": None,
        "time_frames": [["Y+1-01-15 10:00", "Y+1-04-30 17:00"]],
    },
]

# The shop of the association: one shop, the instance's default, with its own wording for every
# standard interface text and some longer content. Museums are listed in shop order.

SHOP: dict[str, Any] = {
    "host": "shop.museion.invalid",
    "name": {"de": "Ticketshop der Museen an der Spree", "en": "Ticket shop of the Spree Museums"},
    "config": {"capacity_display": "exact", "capacity_low_threshold": 10},
    "settings": {
        "show_free_seats": True,
        "max_tickets_per_order": 20,
        "guest_checkout": True,
        "terms_required": True,
        "checkout_required_fields": ["customer_salutation_id", "name", "surname", "email"],
    },
    "translations": {
        "calendar_empty": {
            "de": "An diesem Tag finden keine Veranstaltungen statt. Bitte wählen Sie einen anderen Tag.",
            "en": "There are no events on this day. Please choose another day.",
        },
        "no_tickets": {
            "de": "Für diesen Tag sind online keine Tickets mehr erhältlich – fragen Sie gern an der Kasse.",
            "en": "No more tickets are available online for this day – please ask at the ticket desk.",
        },
        "sold_out": {"de": "Ausgebucht", "en": "Fully booked"},
        "time_slot_title": {"de": "Ihr Einlass-Zeitfenster", "en": "Your admission time slot"},
        "free_seats": {"de": "noch {count} Plätze frei", "en": "{count} places left"},
        "book_button": {"de": "Jetzt buchen", "en": "Book now"},
        "cart_title": {"de": "Ihr Warenkorb", "en": "Your basket"},
        "cart_empty": {
            "de": "Ihr Warenkorb ist noch leer.",
            "en": "Your basket is still empty.",
        },
        "cart_product": {"de": "Angebot", "en": "Item"},
        "cart_quantity": {"de": "Anzahl", "en": "Quantity"},
        "cart_price": {"de": "Einzelpreis", "en": "Unit price"},
        "cart_total": {"de": "Summe", "en": "Total"},
        "checkout_button": {"de": "Weiter zur Kasse", "en": "Proceed to checkout"},
        "not_found_title": {
            "de": "Diese Seite gibt es leider nicht",
            "en": "Sorry, this page does not exist",
        },
        "error_title": {
            "de": "Da ist etwas schiefgegangen",
            "en": "Something went wrong",
        },
    },
    "content": {
        "welcome_text": {
            "de": "Willkommen im gemeinsamen Ticketshop der vier Museen an der Spree. Zeitfenstertickets sichern Ihnen den Einlass ohne Wartezeit.",
            "en": "Welcome to the joint ticket shop of the four Spree Museums. Timed tickets get you in without queuing.",
        },
        "checkout_note": {
            "de": "Ihre Tickets erhalten Sie nach dem Kauf per E-Mail als PDF. Bitte halten Sie sie beim Einlass bereit.",
            "en": "You will receive your tickets as a PDF by e-mail after your purchase. Please have them ready at the entrance.",
        },
        "imprint_url": {
            "de": "https://museion.invalid/impressum",
            "en": "https://museion.invalid/en/imprint",
        },
        "privacy_url": {
            "de": "https://museion.invalid/datenschutz",
            "en": "https://museion.invalid/en/privacy",
        },
        "terms_url": {
            "de": "https://museion.invalid/agb",
            "en": "https://museion.invalid/en/terms",
        },
    },
}
